# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the staged tree, before it is
# packed: Debian's policy wants the manuals compressed with gzip -9n (no name
# or time stamp in the header, so the same input packs the same), and man-db
# reads them so.
file(GLOB_RECURSE staged LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
list(FILTER staged INCLUDE REGEX "/usr/share/man/man[0-9]/[^/]+\\.[0-9]$")
foreach(manual IN LISTS staged)
  execute_process(COMMAND gzip -9nf ${manual} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "gzip ${manual} failed")
  endif()
endforeach()
