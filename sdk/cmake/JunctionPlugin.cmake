# junction_add_plugin(<target> SOURCES <files...> [OUTPUT_DIRECTORY <dir>])
#
# Builds a Junction plugin: a shared library named junction_<target>.so with hidden
# visibility (only the descriptor is exported) and -fno-gnu-unique so that unloading it
# really unloads it (g++ would otherwise pin the library and hide use-after-unload bugs).
function(junction_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET junction_sdk)
    target_link_libraries(${target} PRIVATE junction_sdk)
  else()
    target_link_libraries(${target} PRIVATE JunctionSDK::sdk)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "junction_${target}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE -fno-gnu-unique)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED JUNCTION_PLUGIN_OUTPUT_DIR)
    # A plugin shipped with Junction: built next to junctiond, installed where it looks.
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${JUNCTION_PLUGIN_OUTPUT_DIR})
    install(TARGETS ${target} LIBRARY DESTINATION lib/junction/plugins)
  endif()
endfunction()
