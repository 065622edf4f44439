-- Migration 1: the whole schema of the seed design on PostgreSQL.
--
-- places are LIST-partitioned by state_abbr and contacts HASH-partitioned by
-- place_id. PostgreSQL requires the partition key in every unique key, so
-- the primary keys are (place_id, state_abbr) and (contact_id, place_id),
-- and the tables that reference them carry the extra key column
-- (contacts.state_abbr, tech_stack.state_abbr, …), filled by the store and
-- kept in step by ON UPDATE CASCADE. Global uniqueness of place_id and
-- contact_id is enforced by triggers at the end of this file, and so is
-- change_log. See docs/schema.md.

CREATE TABLE customers (
    customer_id    bigserial PRIMARY KEY,
    name           text        NOT NULL,
    email          text        NOT NULL DEFAULT '',
    reveal_credits bigint      NOT NULL DEFAULT 0 CHECK (reveal_credits >= 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE places (
    place_id      bigserial,
    name          text        NOT NULL,
    place_type    text        NOT NULL,
    state_abbr    text        NOT NULL CHECK (state_abbr ~ '^[A-Z]{2}$'),
    county        text        NOT NULL DEFAULT '',
    population    bigint      NOT NULL DEFAULT 0 CHECK (population >= 0),
    website       text        NOT NULL DEFAULT '',
    email_domain  text        NOT NULL DEFAULT '',
    geoid         text        NOT NULL DEFAULT '',
    nces_id       text        NOT NULL DEFAULT '',
    account_owner text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (place_id, state_abbr)
) PARTITION BY LIST (state_abbr);

-- One partition per state, DC and the five inhabited territories, plus a
-- default partition for anything else.
DO $$
DECLARE
    s text;
BEGIN
    FOREACH s IN ARRAY ARRAY[
        'AL','AK','AZ','AR','CA','CO','CT','DE','FL','GA','HI','ID','IL','IN',
        'IA','KS','KY','LA','ME','MD','MA','MI','MN','MS','MO','MT','NE','NV',
        'NH','NJ','NM','NY','NC','ND','OH','OK','OR','PA','RI','SC','SD','TN',
        'TX','UT','VT','VA','WA','WV','WI','WY','DC','PR','GU','VI','AS','MP']
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF places FOR VALUES IN (%L)',
            'places_' || lower(s), s);
    END LOOP;
END
$$;
CREATE TABLE places_default PARTITION OF places DEFAULT;

CREATE INDEX places_state_abbr_population_idx ON places (state_abbr, population);
CREATE INDEX places_account_owner_idx ON places (account_owner);
-- Full text: expression indexes rather than stored tsvector columns, so a
-- bulk load computes each document once, when it rebuilds the index, and
-- the tables do not carry a second copy of the text. Queries use the same
-- expressions: pursuit_place_tsv(name) @@ q, and
-- pursuit_contact_tsv(name, title, department, email) @@ q.
CREATE FUNCTION pursuit_place_tsv(name text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig, name);
CREATE FUNCTION pursuit_contact_tsv(name text, title text, department text, email text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig, name || ' ' || title || ' ' || department || ' ' || email);

CREATE INDEX places_name_tsv_idx ON places USING gin (pursuit_place_tsv(name));

CREATE TABLE contacts (
    contact_id    bigserial,
    place_id      bigint      NOT NULL,
    -- state_abbr is store-internal: the state of the contact's place, the
    -- second column of the foreign key to places.
    state_abbr    text        NOT NULL,
    name          text        NOT NULL,
    first_name    text        NOT NULL DEFAULT '',
    last_name     text        NOT NULL DEFAULT '',
    email         text        NOT NULL DEFAULT '',
    phone         text        NOT NULL DEFAULT '',
    title         text        NOT NULL DEFAULT '',
    department    text        NOT NULL DEFAULT '',
    account_owner text        NOT NULL DEFAULT '',
    verified_at   timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (contact_id, place_id),
    FOREIGN KEY (place_id, state_abbr) REFERENCES places (place_id, state_abbr)
        ON UPDATE CASCADE ON DELETE CASCADE
) PARTITION BY HASH (place_id);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF contacts FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
            'contacts_p' || lpad(i::text, 2, '0'), i);
    END LOOP;
END
$$;

CREATE INDEX idx_place_id ON contacts (place_id, state_abbr);
CREATE INDEX idx_contact_name ON contacts (name);
CREATE INDEX contacts_title_department_idx ON contacts (title, department);
CREATE INDEX contacts_account_owner_idx ON contacts (account_owner);
CREATE INDEX contacts_search_tsv_idx ON contacts USING gin (pursuit_contact_tsv(name, title, department, email));

CREATE TABLE tech_stack (
    tech_stack_id bigserial PRIMARY KEY,
    place_id      bigint NOT NULL,
    state_abbr    text   NOT NULL, -- store-internal, see contacts.state_abbr
    vendor        text   NOT NULL,
    product       text   NOT NULL DEFAULT '',
    category      text   NOT NULL,
    first_seen    timestamptz,
    last_seen     timestamptz,
    FOREIGN KEY (place_id, state_abbr) REFERENCES places (place_id, state_abbr)
        ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX tech_stack_place_id_idx ON tech_stack (place_id, state_abbr);

CREATE TABLE customer_place_relation (
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    place_id    bigint NOT NULL,
    state_abbr  text   NOT NULL, -- store-internal, see contacts.state_abbr
    access_type text   NOT NULL CHECK (access_type IN ('full', 'masked')),
    granted_at  timestamptz NOT NULL,
    PRIMARY KEY (customer_id, place_id),
    FOREIGN KEY (place_id, state_abbr) REFERENCES places (place_id, state_abbr)
        ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX customer_place_relation_place_id_idx ON customer_place_relation (place_id, state_abbr);

CREATE TABLE customer_contact_relation (
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    contact_id  bigint NOT NULL,
    place_id    bigint NOT NULL, -- store-internal: the contact's place_id
    access_type text   NOT NULL CHECK (access_type IN ('full', 'masked')),
    granted_at  timestamptz NOT NULL,
    PRIMARY KEY (customer_id, contact_id),
    FOREIGN KEY (contact_id, place_id) REFERENCES contacts (contact_id, place_id)
        ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX customer_contact_relation_contact_id_idx ON customer_contact_relation (contact_id, place_id);

CREATE TABLE customer_mapping (
    customer_mapping_id bigserial PRIMARY KEY,
    customer_id         bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    external_crm_id     text   NOT NULL,
    place_id            bigint,
    place_state_abbr    text,   -- store-internal: the mapped place's state
    contact_id          bigint,
    contact_place_id    bigint, -- store-internal: the mapped contact's place
    account_owner       text   NOT NULL DEFAULT '',
    last_synced_time    timestamptz,
    CONSTRAINT customer_mapping_one_target CHECK ((place_id IS NULL) <> (contact_id IS NULL)),
    CHECK ((place_id IS NULL) = (place_state_abbr IS NULL)),
    CHECK ((contact_id IS NULL) = (contact_place_id IS NULL)),
    FOREIGN KEY (place_id, place_state_abbr) REFERENCES places (place_id, state_abbr)
        ON UPDATE CASCADE ON DELETE CASCADE,
    FOREIGN KEY (contact_id, contact_place_id) REFERENCES contacts (contact_id, place_id)
        ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT idx_customer_mapping UNIQUE (customer_id, external_crm_id)
);
CREATE INDEX customer_mapping_place_id_idx ON customer_mapping (place_id, place_state_abbr);
CREATE INDEX customer_mapping_contact_id_idx ON customer_mapping (contact_id, contact_place_id);
CREATE INDEX customer_mapping_account_owner_idx ON customer_mapping (customer_id, account_owner);

CREATE TABLE api_keys (
    api_key_id  bigserial PRIMARY KEY,
    role        text  NOT NULL CHECK (role IN ('admin', 'customer')),
    customer_id bigint REFERENCES customers ON DELETE CASCADE,
    name        text  NOT NULL DEFAULT '',
    prefix      text  NOT NULL DEFAULT '',
    hash        bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX api_keys_customer_id_idx ON api_keys (customer_id);

-- contact_reveals is the audit trail of reveals; it outlives the contact,
-- so contact_id has no foreign key.
CREATE TABLE contact_reveals (
    reveal_id   bigserial PRIMARY KEY,
    api_key_id  bigint REFERENCES api_keys ON DELETE SET NULL,
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    contact_id  bigint NOT NULL,
    revealed_at timestamptz NOT NULL
);
CREATE INDEX contact_reveals_customer_contact_idx ON contact_reveals (customer_id, contact_id);

CREATE SEQUENCE change_log_seq;
CREATE TABLE change_log (
    seq        bigint PRIMARY KEY,
    table_name text   NOT NULL,
    op         text   NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    key        bigint NOT NULL,
    key2       bigint,
    changed_at timestamptz NOT NULL
);

-- Every writer takes the transaction-scoped advisory lock 7075727375697401
-- ("pursuit" + 1) before its first change and holds it until it commits, so
-- writing transactions are serialized: change_log seq values are allocated
-- and committed in the same order, and a reader polling seq > last never
-- misses a row. The store takes the lock when a write transaction begins
-- (so lock order is always the same and writers cannot deadlock); the
-- triggers take it again for raw-SQL writers (a no-op when held).

-- pursuit_log_changes is the statement-level AFTER trigger of every data
-- table. Its arguments are the table name, the first key column and the
-- second key column ('' for tables with a one-column key). It appends one
-- change_log row per changed row, set-based, from the transition tables.
CREATE FUNCTION pursuit_log_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    at timestamptz := coalesce(nullif(current_setting('pursuit.now', true), '')::timestamptz, clock_timestamp());
    k1 text := quote_ident(TG_ARGV[1]);
    k2 text := CASE WHEN TG_ARGV[2] = '' THEN '0::bigint' ELSE quote_ident(TG_ARGV[2]) END;
    rows_sql text;
    n bigint;
    base bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7075727375697401);
    IF TG_OP = 'INSERT' THEN
        rows_sql := format('SELECT %s AS k1, %s AS k2, %L AS op FROM new_rows', k1, k2, 'insert');
    ELSIF TG_OP = 'DELETE' THEN
        rows_sql := format('SELECT %s AS k1, %s AS k2, %L AS op FROM old_rows', k1, k2, 'delete');
    ELSE
        -- An UPDATE that changed a key is logged as a delete of the old key
        -- and an insert of the new one.
        rows_sql := format($q$
            SELECT coalesce(n.k1, o.k1) AS k1, coalesce(n.k2, o.k2) AS k2,
                CASE WHEN o.k1 IS NULL THEN 'insert' WHEN n.k1 IS NULL THEN 'delete' ELSE 'update' END AS op
            FROM (SELECT %1$s AS k1, %2$s AS k2 FROM new_rows) n
            FULL JOIN (SELECT %1$s AS k1, %2$s AS k2 FROM old_rows) o ON o.k1 = n.k1 AND o.k2 = n.k2$q$,
            k1, k2);
    END IF;
    EXECUTE 'SELECT count(*) FROM (' || rows_sql || ') r' INTO n;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    -- One nextval and one setval reserve the statement's n seq values; no
    -- one else allocates meanwhile, since every allocator holds the lock.
    base := nextval('change_log_seq');
    IF n > 1 THEN
        PERFORM setval('change_log_seq', base + n - 1);
    END IF;
    EXECUTE format($q$
        INSERT INTO change_log (seq, table_name, op, key, key2, changed_at)
        SELECT $2 + row_number() OVER (ORDER BY k1, k2) - 1, %L, op, k1, nullif(k2, 0), $1
        FROM (%s) r$q$, TG_ARGV[0], rows_sql) USING at, base;
    RETURN NULL;
END
$fn$;

DO $$
DECLARE
    t text[];
BEGIN
    FOREACH t SLICE 1 IN ARRAY ARRAY[
        ['customers', 'customer_id', ''],
        ['places', 'place_id', ''],
        ['contacts', 'contact_id', ''],
        ['tech_stack', 'tech_stack_id', ''],
        ['customer_place_relation', 'customer_id', 'place_id'],
        ['customer_contact_relation', 'customer_id', 'contact_id'],
        ['customer_mapping', 'customer_mapping_id', ''],
        ['api_keys', 'api_key_id', ''],
        ['contact_reveals', 'reveal_id', '']]
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION pursuit_log_changes(%L, %L, %L)',
            t[1] || '_log_insert', t[1], t[1], t[2], t[3]);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION pursuit_log_changes(%L, %L, %L)',
            t[1] || '_log_update', t[1], t[1], t[2], t[3]);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION pursuit_log_changes(%L, %L, %L)',
            t[1] || '_log_delete', t[1], t[1], t[2], t[3]);
        -- ALWAYS: the bulk path inserts rows it has checked itself with
        -- session_replication_role = replica, which skips the foreign-key
        -- triggers but must not skip the change log.
        EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I, ENABLE ALWAYS TRIGGER %I, ENABLE ALWAYS TRIGGER %I',
            t[1], t[1] || '_log_insert', t[1] || '_log_update', t[1] || '_log_delete');
    END LOOP;
END
$$;

-- pursuit_unique_id rejects a place_id (contact_id) that already exists in
-- another partition: the primary keys include the partition key, so they
-- only make (place_id, state_abbr) and (contact_id, place_id) unique. Its
-- arguments are the table, the id column and the partition key column.
-- Writers are serialized by the advisory lock, so the check cannot race.
-- The store's bulk path sets pursuit.ids_checked for its transaction: it
-- merges by id alone and so cannot create duplicates, and probing every
-- partition per row would dominate a bulk load.
CREATE FUNCTION pursuit_unique_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    dup bigint;
BEGIN
    IF current_setting('pursuit.ids_checked', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(7075727375697401);
    EXECUTE format($q$
        SELECT n.%2$I FROM new_rows n JOIN %1$I t ON t.%2$I = n.%2$I
        WHERE t.%3$I <> n.%3$I LIMIT 1$q$, TG_ARGV[0], TG_ARGV[1], TG_ARGV[2])
        INTO dup;
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION '%.%: % % already exists', TG_ARGV[0], TG_ARGV[1], TG_ARGV[1], dup
            USING ERRCODE = 'unique_violation', TABLE = TG_ARGV[0], COLUMN = TG_ARGV[1],
                CONSTRAINT = TG_ARGV[0] || '_' || TG_ARGV[1] || '_unique';
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER places_unique_insert AFTER INSERT ON places REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pursuit_unique_id('places', 'place_id', 'state_abbr');
CREATE TRIGGER places_unique_update AFTER UPDATE ON places REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pursuit_unique_id('places', 'place_id', 'state_abbr');
CREATE TRIGGER contacts_unique_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pursuit_unique_id('contacts', 'contact_id', 'place_id');
CREATE TRIGGER contacts_unique_update AFTER UPDATE ON contacts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pursuit_unique_id('contacts', 'contact_id', 'place_id');
ALTER TABLE places ENABLE ALWAYS TRIGGER places_unique_insert, ENABLE ALWAYS TRIGGER places_unique_update;
ALTER TABLE contacts ENABLE ALWAYS TRIGGER contacts_unique_insert, ENABLE ALWAYS TRIGGER contacts_unique_update;
