-- Kommissorium's database and its two roles. Run as a superuser (or a role with CREATEROLE
-- and CREATEDB), once per cluster; running it again changes nothing and resets attributes.
--
--   psql "postgresql://postgres@host/postgres" -v ON_ERROR_STOP=1 \
--        -v db=kommissorium \
--        -v owner=kommissorium_owner -v owner_password='…' \
--        -v app=kommissorium_app     -v app_password='…' \
--        -f deploy/postgres/roles.sql
--
-- * the OWNER owns the database and every table: migrations run as it (the migration Job,
--   `kommissorium db upgrade`); nothing else does.
-- * the APP role is what web, worker and tick connect as: it reads and writes rows, and can
--   change no schema. It is not the tables' owner, not a superuser and has no BYPASSRLS, so
--   the row-level security policies (deploy/postgres/README.md) apply to it.

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec

ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    NOINHERIT PASSWORD :'app_password';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";

\connect :"db"

-- The owner creates in the public schema; the app role only uses it.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Rows, not schema: for the tables the owner has made and every table it makes later.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
