"""The admin's suppression list: see why and when each address was suppressed, add one, lift one.

Staff never see an address here, only its hash: an address is added through a form field that
is hashed on save, and lifting leaves the row (marked lifted) with a line in the admin history.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from summaries.models import AdminAction, Suppression, SuppressionReason
from summaries.services.suppression import address_hash, is_suppressed, lift
from summaries.staff.audit import record_admin_action


class AddSuppressionForm(forms.ModelForm):
    address = forms.EmailField(label=_("Email address"), help_text=_("Stored only as a keyed hash."))

    class Meta:
        model = Suppression
        fields = ["detail"]

    def clean_address(self) -> str:
        address = self.cleaned_data["address"]
        if is_suppressed(address):
            raise forms.ValidationError(_("This address is already suppressed."))
        return address


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["short_hash", "reason", "suppressed_at", "active", "lifted_at", "lifted_by"]
    list_filter = ["reason", ("lifted_at", admin.EmptyFieldListFilter), "suppressed_at"]
    readonly_fields = ["address_hash", "reason", "detail", "suppressed_at", "lifted_at", "lifted_by"]
    actions = ["lift_selected"]
    date_hierarchy = "suppressed_at"

    @admin.display(description=_("address hash"))
    def short_hash(self, suppression: Suppression) -> str:
        return f"{suppression.address_hash[:16]}…"

    @admin.display(description=_("in force"), boolean=True)
    def active(self, suppression: Suppression) -> bool:
        return suppression.lifted_at is None

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddSuppressionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.address_hash = address_hash(form.cleaned_data["address"])
            obj.reason = SuppressionReason.STAFF
            obj.suppressed_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Lift the selected suppressions (the addresses may be emailed again)"))
    def lift_selected(self, request, queryset):
        lifted = 0
        for suppression in queryset.filter(lifted_at__isnull=True):
            if lift(suppression, by=request.user.get_username()):
                self.log_change(request, suppression, _("Lifted the suppression."))
                # A suppression names no submission: the audit record keeps who and when.
                record_admin_action(request, action=AdminAction.SUPPRESSION_LIFTED, submission_ids=[None])
                lifted += 1
        message = ngettext("%(count)d suppression lifted.", "%(count)d suppressions lifted.", lifted) % {
            "count": lifted
        }
        self.message_user(request, message, messages.SUCCESS)

    def has_delete_permission(self, request, obj=None):
        # Lifted, never deleted: the row and the admin history say who let an address be emailed again.
        return False
