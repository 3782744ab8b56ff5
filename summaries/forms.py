"""The About Me form: every field bounded, the colour only from the tutorial's list."""

from django import forms

from summaries.models import Color, Submission


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
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "about": forms.Textarea(attrs={"rows": 4}),
        }

    def first_error_field(self) -> str | None:
        return next((name for name in self.fields if name in self.errors), None)
