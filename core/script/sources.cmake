# Sources of core/script.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/core_verbs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/directory_verbs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lua_api_doc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/location_verbs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lua_values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_verbs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sandbox.cpp
  ${CMAKE_CURRENT_LIST_DIR}/script_generation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/script_runtime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/verb_binding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/verb_invocation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/voicemail_verbs.cpp)
