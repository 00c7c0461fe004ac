"""The journal for the accountant (issue 15): File ▸ Export Journal for the Accountant…"""
