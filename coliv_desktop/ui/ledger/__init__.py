"""The ledger's widgets: record payment and void dialogs, PDF preview, collection and report
views, a lease's ledger tab, and the rent run the app does when a database opens."""
