# A throwaway PostgreSQL cluster on a free loopback port, for scripts that source this file.
#
#   source scripts/lib/throwaway-postgres.sh
#   start_throwaway_postgres -c fsync=off        # extra server options, if any
#   createdb_throwaway mydb                     # → postgres://flow@127.0.0.1:$THROWAWAY_PG_PORT/mydb
#   stop_throwaway_postgres                      # also registered on EXIT
#
# Sets THROWAWAY_PG_DATA (the data directory) and THROWAWAY_PG_PORT. Runs the server binaries as
# the postgres account when called as root (initdb and postgres refuse to run as root).

THROWAWAY_PG_DATA=""
THROWAWAY_PG_PORT=""

run_as_pg() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop_throwaway_postgres() {
    if [ -n "$THROWAWAY_PG_DATA" ] && [ -d "$THROWAWAY_PG_DATA" ]; then
        run_as_pg pg_ctl -D "$THROWAWAY_PG_DATA" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$THROWAWAY_PG_DATA"
    fi
    THROWAWAY_PG_DATA=""
}

start_throwaway_postgres() {
    command -v initdb >/dev/null || { echo "$0: initdb not found; install PostgreSQL server binaries" >&2; exit 1; }
    THROWAWAY_PG_DATA=$(mktemp -d /tmp/flow-pg.XXXXXX)
    trap stop_throwaway_postgres EXIT
    chmod 700 "$THROWAWAY_PG_DATA"
    [ "$(id -u)" = "0" ] && chown postgres "$THROWAWAY_PG_DATA"
    THROWAWAY_PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run_as_pg initdb -D "$THROWAWAY_PG_DATA" -U flow --auth=trust -E UTF8 >/dev/null
    run_as_pg pg_ctl -D "$THROWAWAY_PG_DATA" -w -l "$THROWAWAY_PG_DATA/server.log" \
        -o "-h 127.0.0.1 -p $THROWAWAY_PG_PORT -k $THROWAWAY_PG_DATA -c max_connections=300 $*" start >/dev/null
}

# Creates a database on the throwaway cluster and prints its URL.
createdb_throwaway() {
    run_as_pg createdb -h 127.0.0.1 -p "$THROWAWAY_PG_PORT" -U flow "$1"
    echo "postgres://flow@127.0.0.1:$THROWAWAY_PG_PORT/$1"
}
