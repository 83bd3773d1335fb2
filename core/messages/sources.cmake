# Sources of core/messages: the durable message spool.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/delivery_scheduler.cpp ${CMAKE_CURRENT_LIST_DIR}/message_spool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_store.cpp ${CMAKE_CURRENT_LIST_DIR}/spool_admin.cpp)
