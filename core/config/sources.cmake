# Sources of core/config.
