"""The About Me form: every field bounded, the colour only from the tutorial's list."""

from django import forms

from summaries.models import Color, Submission


class SubmissionForm(forms.ModelForm):
    color = forms.ChoiceField(label="Favorite Color", choices=[("", "-- Select a color --"), *Color.choices])

    class Meta:
        model = Submission
        fields = ["email", "name", "about", "hobby", "color", "saying", "dream_job"]
        labels = {
            "email": "Email",
            "name": "Name",
            "about": "About Me",
            "hobby": "Favorite Hobby",
            "saying": "Favorite Saying",
            "dream_job": "Dream Job",
        }
        widgets = {"about": forms.Textarea(attrs={"rows": 4})}
