# Sources of core/voicemail: the users' voice mailboxes (messages, greetings, PINs).
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/mailbox_store.cpp ${CMAKE_CURRENT_LIST_DIR}/pin_guard.cpp
  ${CMAKE_CURRENT_LIST_DIR}/voicemail_service.cpp ${CMAKE_CURRENT_LIST_DIR}/voicemail_admin.cpp)
