"""Users and sign-in: File ▸ Users… (owners), Change My Password…, the authenticator set-up."""
