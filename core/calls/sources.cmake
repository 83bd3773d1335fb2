# Sources of core/calls.
