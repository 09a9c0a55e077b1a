"""Development and test tools for Carta. Nothing here is part of the application or deployed."""
