"""learnloop's xAPI 1.0.3 Learning Record Store: statement rules, statements, documents, clients,
forwarding and pulling; its HTTP resources live under /xapi/ (`learnloop.xapi.http`)."""
