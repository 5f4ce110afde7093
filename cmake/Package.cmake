# The Debian package: `cpack -G DEB` in a configured and built tree makes
# ninetd_VERSION_ARCH.deb. It holds what `cmake --install` puts on a system
# (under /usr) plus what only a package needs: the init script update-inetd
# looks for, its defaults, and the maintainer scripts in dist/debian/.
# docs/operating.md ("The Debian package") says why each piece is there.

# Only the package installs these: a plain `cmake --install` writes nothing
# under /etc (EXCLUDE_FROM_ALL keeps the component out of it).
install(PROGRAMS dist/init.d/ninetd DESTINATION /etc/init.d COMPONENT debian EXCLUDE_FROM_ALL)
install(FILES dist/debian/default DESTINATION /etc/default RENAME ninetd COMPONENT debian
        EXCLUDE_FROM_ALL)
install(PROGRAMS dist/debian/policy-rc.d DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        COMPONENT debian EXCLUDE_FROM_ALL)

# cpack packs what is built (README's build command first) and builds nothing
# itself: by default its install step would build every target, the tests and
# fuzzers too, minutes of work inside test_deb.py when a source changed.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(NINETD_DEB_MAINTAINER "ninetd maintainers <root@localhost>" CACHE STRING
    "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ninetd)
set(CPACK_PACKAGE_VENDOR ninetd)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Both components in the one package: the files of every install rule and the
# debian component's.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified debian)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${NINETD_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Internet super-server that reloads without dropping a connection")
# The description's first line is the summary above; CPack puts it first.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "ninetd reads an inetd.conf (or the key=value services of ninetd.conf(5)),
listens on every service's socket and starts the configured server for each
connection, or serves the classic builtins itself. It applies per-service and
per-source limits, libwrap's hosts.allow and hosts.deny, and registers RPC
services with rpcbind. A reload keeps every unchanged listener open, so no
queued connection is lost; packages add their services with update-inetd.")
# dpkg-shlibdeps computes the libraries the daemon links: with libstdc++ and
# libgcc linked in, that is libc6 alone. update-inetd is what the packages
# that add services call. libwrap0 (for -w and -W, when built with tcpd.h) and
# libtirpc3 (RPC services) are loaded with dlopen only when used, so
# dpkg-shlibdeps cannot see them: recommended, not required.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "update-inetd")
set(NINETD_DEB_RECOMMENDS libtirpc3)
if(NINETD_TCPD_H)
  list(PREPEND NINETD_DEB_RECOMMENDS libwrap0)
endif()
list(JOIN NINETD_DEB_RECOMMENDS ", " CPACK_DEBIAN_PACKAGE_RECOMMENDS)
set(CPACK_DEBIAN_PACKAGE_PROVIDES inet-superserver)
set(NINETD_DEB_CONTROL ${CMAKE_CURRENT_SOURCE_DIR}/dist/debian)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${NINETD_DEB_CONTROL}/postinst ${NINETD_DEB_CONTROL}/prerm
    ${NINETD_DEB_CONTROL}/postrm ${NINETD_DEB_CONTROL}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Stripped (install(TARGETS) strips under CPack), the manuals compressed, as
# lintian wants them.
set(CPACK_STRIP_FILES ON)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/cmake/DebStage.cmake)
include(CPack)
