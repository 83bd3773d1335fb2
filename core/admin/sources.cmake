# Sources of core/admin.
