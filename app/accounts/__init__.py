"""Who is asking and what they may do: sign-in and tokens, passwords, the login throttle, the
one policy table, looking units up within a person's scope, and the audit log of who did what."""
