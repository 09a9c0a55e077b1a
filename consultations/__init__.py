"""The Carta (``consultations.charter``, label ``consultations``) and its votes
(``consultations.voting``, label ``voting``): two sibling apps."""
