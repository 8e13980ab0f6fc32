from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Assignment, Organisation, User, UserRole


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_active", "is_demo"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [UserRoleInline]
    list_display = ["username", "display_name", "organisation", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("单位", {"fields": ("organisation", "display_name", "phone", "specialties", "must_change_password")}),
    )  # type: ignore[misc]


admin.site.register(Assignment)
admin.site.site_header = "ClusterHub 系统管理"
