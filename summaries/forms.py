"""The About Me form: every field bounded, normalised and single-line where it should be."""

from django import forms

from summaries.fields import MultiLineTextField, NormalisedEmailField, SingleLineTextField
from summaries.models import Color, Submission

HONEYPOT_FIELD = "website"
HONEYPOT_ERROR = "This form could not be accepted. Please leave the field labelled “Leave empty” empty."


class _FocusFirstErrorBoundField(forms.BoundField):
    """Puts the cursor in the first answer to correct when the form comes back with errors.

    `autofocus` needs no script, so it works under a strict Content-Security-Policy; Django itself
    marks every field with errors aria-invalid and points its aria-describedby at the message.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.name == self.form.first_error_field():
            attrs["autofocus"] = True
        return attrs


class SubmissionForm(forms.ModelForm):
    bound_field_class = _FocusFirstErrorBoundField

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
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "about": forms.Textarea(attrs={"rows": 4}),
        }

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

    def first_error_field(self) -> str | None:
        return next((name for name in self.fields if name in self.errors), None)
