"""OpenKAP: a clinical platform for ketamine-therapy practices."""
