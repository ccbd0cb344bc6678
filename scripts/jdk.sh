# shellcheck shell=bash
# Sourced by the other scripts: finds a JDK 25+ and exports JAVA_HOME for it.
# Order: $JAVA_HOME when it is 25 or newer, then /usr/lib/jvm/temurin-25-jdk-amd64.
BERTH_JDK_FALLBACK=/usr/lib/jvm/temurin-25-jdk-amd64

berth_java_major() { # prints the feature version of the java binary in $1/bin/java, or nothing
  local v
  [ -x "$1/bin/java" ] || return 1
  # the JDK's release file says it without starting a JVM (which costs a launcher run ~0.1 s)
  v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)
  if [ -n "$v" ]; then echo "$v"; return 0; fi
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  [ -n "$v" ] && echo "${v%%.*}"
}

berth_find_jdk() {
  local major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(berth_java_major "$JAVA_HOME" || true)
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ -x "$JAVA_HOME/bin/javac" ]; then
      export JAVA_HOME; return 0
    fi
  fi
  major=$(berth_java_major "$BERTH_JDK_FALLBACK" || true)
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then
    export JAVA_HOME="$BERTH_JDK_FALLBACK"; return 0
  fi
  echo "berth: no JDK 25 found. Looked at JAVA_HOME (${JAVA_HOME:-unset}${major:+, version $major}) and $BERTH_JDK_FALLBACK." >&2
  echo "berth: install a JDK 25 (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

berth_find_jdk || exit 3
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
