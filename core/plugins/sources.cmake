# Sources of core/plugins.
