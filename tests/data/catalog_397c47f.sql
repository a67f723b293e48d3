BEGIN TRANSACTION;
CREATE TABLE chain_positions (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, chain TEXT NOT NULL, segment TEXT NOT NULL,
        PRIMARY KEY (org_id, position));
INSERT INTO "chain_positions" VALUES('old-0001',0,'ic','ic.fab');
CREATE TABLE contacts (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, role TEXT, phone TEXT, email TEXT,
        PRIMARY KEY (org_id, position));
CREATE TABLE event_meetings (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        a TEXT NOT NULL, b TEXT NOT NULL, slot INTEGER NOT NULL, table_no INTEGER NOT NULL,
        score REAL NOT NULL, requested TEXT, relation TEXT NOT NULL, links TEXT NOT NULL, exploratory INTEGER NOT NULL DEFAULT 0, rests_on TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (event_id, a, b), UNIQUE (event_id, slot, table_no), CHECK (a < b));
INSERT INTO "event_meetings" VALUES('ev-old','old-0001','old-0002',1,1,0.8,NULL,'support','[{"needer": "old-0001", "need": "需要检测服务", "offerer": "old-0002", "offer": "PCB可靠性测试", "score": 0.8}]',0,'[]');
CREATE TABLE event_outcomes (
        event_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'no_show', 'signed', 'follow_up')),
        supplier TEXT, note TEXT, recorded_at TEXT NOT NULL,
        PRIMARY KEY (event_id, a, b),
        FOREIGN KEY (event_id, a, b) REFERENCES event_meetings (event_id, a, b)
            ON DELETE CASCADE);
INSERT INTO "event_outcomes" VALUES('ev-old','old-0001','old-0002','signed','old-0002','签约','2026-06-01T10:00:00+00:00');
CREATE TABLE events (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, date TEXT NOT NULL,
        definition TEXT NOT NULL, names TEXT NOT NULL, shortlist TEXT NOT NULL,
        objective REAL NOT NULL, bound REAL NOT NULL, gap REAL NOT NULL,
        status TEXT NOT NULL, solve_seconds REAL NOT NULL, candidate_pairs INTEGER NOT NULL,
        created_at TEXT NOT NULL, declined_exploratory INTEGER NOT NULL DEFAULT 0);
INSERT INTO "events" VALUES('ev-old','旧对接会','2026-06-01','{"id":"ev-old","name":"旧对接会","date":"2026-06-01","timezone":"Asia/Shanghai","theme":{"chains":[],"segments":[],"regions":[]},"slots":["09:00:00"],"meeting_minutes":20,"tables":1,"participants":[{"org_id":"old-0001","min_meetings":0,"max_meetings":null,"unavailable":[]},{"org_id":"old-0002","min_meetings":0,"max_meetings":null,"unavailable":[]}],"pairs":[],"met_before":[]}','{"old-0001": "甲半导体", "old-0002": "乙检测"}','[]',0.8,0.8,0.0,'optimal',0.1,1,'2026-12-02T10:55:12.966389+00:00',0);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('schema_version','1');
INSERT INTO "meta" VALUES('source','old park');
INSERT INTO "meta" VALUES('schema_version.events','2');
CREATE TABLE organisations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'institute', 'service')),
        province TEXT NOT NULL, city TEXT NOT NULL, park TEXT,
        size TEXT CHECK (size IS NULL OR size IN ('micro', 'small', 'medium', 'large')),
        updated_at TEXT, aliases TEXT NOT NULL DEFAULT '[]');
INSERT INTO "organisations" VALUES('old-0001','甲半导体','enterprise','浙江省','杭州市',NULL,NULL,NULL,'[]');
INSERT INTO "organisations" VALUES('old-0002','乙检测','service','浙江省','杭州市',NULL,NULL,NULL,'[]');
CREATE TABLE products (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, share REAL NOT NULL,
        PRIMARY KEY (org_id, position));
CREATE TABLE qualifications (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, issuer TEXT, valid_until TEXT,
        PRIMARY KEY (org_id, position));
CREATE TABLE statements (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, role TEXT NOT NULL CHECK (role IN ('offer', 'need')), text TEXT NOT NULL,
        PRIMARY KEY (org_id, role, position));
INSERT INTO "statements" VALUES('old-0001',0,'offer','供应晶圆');
INSERT INTO "statements" VALUES('old-0001',0,'need','需要检测服务');
INSERT INTO "statements" VALUES('old-0002',0,'offer','PCB可靠性测试');
CREATE INDEX chain_positions_chain ON chain_positions (chain, segment);
CREATE INDEX chain_positions_segment ON chain_positions (segment);
CREATE INDEX events_date ON events (date);
COMMIT;
