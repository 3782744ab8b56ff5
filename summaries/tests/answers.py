"""One person's valid answers, shared by unit tests and the integration stack (no Django import)."""

ANSWERS = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "about": "I write programs for engines that do not exist yet.",
    "hobby": "Mathematics",
    "color": "Purple",
    "saying": "That brain of mine is something more than merely mortal.",
    "dream_job": "Analyst",
}
