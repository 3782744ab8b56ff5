"""The About Me form: every field bounded, normalised and single-line where it should be."""

from django import forms
from django.utils.translation import gettext_lazy as _

from summaries.fields import MultiLineTextField, NormalisedEmailField, SingleLineTextField
from summaries.models import Color, Submission

HONEYPOT_FIELD = "website"
HONEYPOT_ERROR = _("This form could not be accepted. Please leave the field labelled “Leave empty” empty.")


def _answer(name: str, form_class: type[forms.Field], label: str, **options) -> forms.Field:
    """A form field with the model field's own limits (length, required or not)."""
    return Submission._meta.get_field(name).formfield(form_class=form_class, label=label, **options)


class SubmissionForm(forms.Form):
    """The answers, with the model's limits: a plain Form rather than a ModelForm, because a
    ModelForm also builds and validates a model instance on every submit, a quarter of the
    form's cost, for checks these fields already make."""

    ANSWERS = ["email", "name", "about", "hobby", "color", "saying", "dream_job"]

    email = _answer("email", NormalisedEmailField, _("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = _answer("name", SingleLineTextField, _("Name"), widget=forms.TextInput(attrs={"autocomplete": "name"}))
    about = _answer("about", MultiLineTextField, _("About Me"), widget=forms.Textarea(attrs={"rows": 4}))
    hobby = _answer("hobby", SingleLineTextField, _("Favorite Hobby"))
    color = forms.ChoiceField(label=_("Favorite Color"), choices=[("", _("-- Select a color --")), *Color.choices])
    saying = _answer("saying", SingleLineTextField, _("Favorite Saying"))
    dream_job = _answer("dream_job", SingleLineTextField, _("Dream Job"))
    # Hidden from people by CSS and from assistive technology by aria-hidden (see form.html);
    # naive bots fill in every field they find, and a filled one gets the form refused.
    website = forms.CharField(
        label=_("Leave empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise forms.ValidationError(HONEYPOT_ERROR, code="honeypot")
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers to store: everything but the honeypot."""
        return {name: self.cleaned_data[name] for name in self.ANSWERS}

    def answer_fields(self) -> list:
        """The fields people fill in, for the template; the honeypot is rendered apart."""
        return [self[name] for name in self.ANSWERS]

    def honeypot(self):
        return self[HONEYPOT_FIELD]
