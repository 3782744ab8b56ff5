from summaries.models import Submission

ANSWERS = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "about": "I write programs for engines that do not exist yet.",
    "hobby": "Mathematics",
    "color": "Purple",
    "saying": "That brain of mine is something more than merely mortal.",
    "dream_job": "Analyst",
}


def make_submission(**overrides) -> Submission:
    return Submission.objects.create(**{**ANSWERS, **overrides})
