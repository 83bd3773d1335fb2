# Sources of core/daemon.
