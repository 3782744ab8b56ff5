"""The About Me form: every field bounded, normalised and single-line where it should be."""

from django import forms

from summaries.fields import MultiLineTextField, NormalisedEmailField, SingleLineTextField
from summaries.models import Color, Submission

HONEYPOT_FIELD = "website"
HONEYPOT_ERROR = "This form could not be accepted. Please leave the field labelled “Leave empty” empty."


class SubmissionForm(forms.ModelForm):
    color = forms.ChoiceField(label="Favorite Color", choices=[("", "-- Select a color --"), *Color.choices])
    # Hidden from people by CSS and from assistive technology by aria-hidden (see form.html);
    # naive bots fill in every field they find, and a filled one gets the form refused.
    website = forms.CharField(
        label="Leave empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Submission
        fields = ["email", "name", "about", "hobby", "color", "saying", "dream_job"]
        field_classes = {
            "email": NormalisedEmailField,
            "name": SingleLineTextField,
            "about": MultiLineTextField,
            "hobby": SingleLineTextField,
            "saying": SingleLineTextField,
            "dream_job": SingleLineTextField,
        }
        labels = {
            "email": "Email",
            "name": "Name",
            "about": "About Me",
            "hobby": "Favorite Hobby",
            "saying": "Favorite Saying",
            "dream_job": "Dream Job",
        }
        widgets = {"about": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise forms.ValidationError(HONEYPOT_ERROR, code="honeypot")
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers to store: everything but the honeypot."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def answer_fields(self) -> list:
        """The fields people fill in, for the template; the honeypot is rendered apart."""
        return [self[name] for name in self._meta.fields]

    def honeypot(self):
        return self[HONEYPOT_FIELD]
