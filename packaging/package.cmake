# The Debian package (scripts/package runs CPack on the Release build; docs in README.md,
# "Installing the Debian package"). Install rules place what the package holds; the man page
# is made from --help by the `manpage` target (help2man), which scripts/package builds first.
include(GNUInstallDirs)
# `install` (and so CPack) does not build every target first: scripts/package builds what the
# package holds, so the Release build is reused as it is.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(restock_pkg ${PROJECT_SOURCE_DIR}/packaging)
set(restock_manpage ${PROJECT_BINARY_DIR}/packaging/restock.1.gz)
add_custom_command(
  OUTPUT ${restock_manpage}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND sh -c "help2man --locale=C.UTF-8 --no-info --no-discard-stderr --section=1 \
--name='real-time stock updates and order placement for subscription commerce' \
\"$1\" | gzip -9n > \"$2\"" sh $<TARGET_FILE:restock> ${restock_manpage}
  DEPENDS restock
  COMMENT "Writing the restock(1) man page from --help"
  VERBATIM)
add_custom_target(manpage DEPENDS ${restock_manpage})

set(restock_changelog ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(
  OUTPUT ${restock_changelog}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" sh ${restock_pkg}/changelog ${restock_changelog}
  DEPENDS ${restock_pkg}/changelog
  VERBATIM)
add_custom_target(changelog DEPENDS ${restock_changelog})

install(TARGETS restock RUNTIME DESTINATION bin)
install(FILES ${restock_pkg}/restock.service DESTINATION /lib/systemd/system)
install(FILES ${restock_pkg}/restock.toml DESTINATION /etc/restock)
install(FILES ${restock_manpage} DESTINATION share/man/man1)
install(FILES ${restock_pkg}/copyright ${restock_changelog} ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION share/doc/restock)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME restock)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "real-time stock updates and order placement for subscription commerce")
set(CPACK_PACKAGE_DESCRIPTION
    "restock keeps the stock status of a merchant's products current in real
time and lets the daily order placement act on it: orders for products that
ran out move into an out-of-stock flow instead of failing. Its HTTP API is
wire-compatible with Ordergroove's Real Time Stock Update endpoint. This
package runs it as the systemd service restock.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "restock maintainers <maintainers@restock.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${restock_pkg}/conffiles ${restock_pkg}/postinst ${restock_pkg}/prerm ${restock_pkg}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/package)
include(CPack)
