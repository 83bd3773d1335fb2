# Sources of core/messages: the durable message spool.
target_sources(junction_core PRIVATE)
