# Sources of core/script.
