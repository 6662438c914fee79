# Per-generator CPack settings, read by cpack at packaging time: the .deb
# installs under /usr, the .tar.gz holds bin/ and share/ at the top of one
# directory named after the package, to unpack anywhere (/usr/local, ~/.local).
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "")
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
endif()
