"""The role matrix's rows and arguments for the whole books' services (issue 15), one module
per capability so each grows alone: `rows(db, owner, ids)` adds what its calls need to the
demo book, `ARGS` gives parameters by name (`make(ids, out)`), `DATA` input schemas by class
name (`build(ids)`), `OVERRIDES` and `REFUSED_BY_THE_DATA` as in test_role_matrix."""

from tests.services.matrix_books import bank, expenses, journals, sheets

HOOKS = (expenses, bank, sheets, journals)  # expenses first: the bank's rules name categories
