# Sources of core/metrics.
