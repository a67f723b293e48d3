BEGIN TRANSACTION;
CREATE TABLE audit (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL,
        actor TEXT NOT NULL, via TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
        kind TEXT NOT NULL, entity TEXT NOT NULL, changes TEXT NOT NULL);
INSERT INTO "audit" VALUES(1,'2026-12-02T14:05:33.040051+00:00','system','library','create','organisation','old-0001','{"id": [null, "old-0001"], "name": [null, "甲电池"], "kind": [null, "enterprise"], "region": [null, {"province": "浙江省", "city": "杭州市", "park": null}], "offers": [null, ["动力电池包"]]}');
INSERT INTO "audit" VALUES(2,'2026-12-02T14:05:33.040051+00:00','system','library','create','organisation','old-0002','{"id": [null, "old-0002"], "name": [null, "乙研究院"], "kind": [null, "institute"], "region": [null, {"province": "浙江省", "city": "杭州市", "park": null}], "offers": [null, ["固态电解质研发"]]}');
CREATE TABLE chain_positions (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, chain TEXT NOT NULL, segment TEXT NOT NULL,
        PRIMARY KEY (org_id, position));
CREATE TABLE contacts (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, role TEXT, phone TEXT, email TEXT,
        PRIMARY KEY (org_id, position));
CREATE TABLE desk_log (
        request_id TEXT NOT NULL REFERENCES desk_requests(id),
        seq INTEGER NOT NULL CHECK (seq >= 1), at TEXT NOT NULL,
        actor TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('staff', 'company')),
        action TEXT NOT NULL CHECK (action IN ('filed', 'moved', 'extension_requested', 'extension_approved', 'extension_rejected')),
        from_state TEXT CHECK (from_state IS NULL OR from_state IN ('new', 'accepted', 'assigned', 'in_progress', 'waiting_on_company', 'resolved', 'closed', 'returned', 'reopened', 'withdrawn', 'merged')),
        to_state TEXT NOT NULL CHECK (to_state IN ('new', 'accepted', 'assigned', 'in_progress', 'waiting_on_company', 'resolved', 'closed', 'returned', 'reopened', 'withdrawn', 'merged')),
        note TEXT, handler TEXT, data TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (request_id, seq));
INSERT INTO "desk_log" VALUES('dr-20261102-1',1,'2026-11-02T02:00:00+00:00','王敏','staff','filed',NULL,'new',NULL,NULL,'{}');
CREATE TABLE desk_requests (
        id TEXT PRIMARY KEY, org_id TEXT NOT NULL, text TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('supply', 'technology', 'finance', 'policy', 'talent', 'premises', 'other')),
        urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
        filed_by TEXT NOT NULL, filed_at TEXT NOT NULL, needed_by TEXT,
        links TEXT NOT NULL DEFAULT '[]');
INSERT INTO "desk_requests" VALUES('dr-20261102-1','old-0001','固态电池界面阻抗太高，需要高校合作攻关','technology','normal','王敏','2026-11-02T02:00:00+00:00',NULL,'[]');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('schema_version','1');
INSERT INTO "meta" VALUES('schema_version.audit','1');
INSERT INTO "meta" VALUES('source','old park');
INSERT INTO "meta" VALUES('schema_version.desk','1');
CREATE TABLE organisations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'institute', 'service')),
        province TEXT NOT NULL, city TEXT NOT NULL, park TEXT,
        size TEXT CHECK (size IS NULL OR size IN ('micro', 'small', 'medium', 'large')),
        updated_at TEXT, aliases TEXT NOT NULL DEFAULT '[]');
INSERT INTO "organisations" VALUES('old-0001','甲电池','enterprise','浙江省','杭州市',NULL,NULL,NULL,'[]');
INSERT INTO "organisations" VALUES('old-0002','乙研究院','institute','浙江省','杭州市',NULL,NULL,NULL,'[]');
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
INSERT INTO "statements" VALUES('old-0001',0,'offer','动力电池包');
INSERT INTO "statements" VALUES('old-0002',0,'offer','固态电解质研发');
CREATE INDEX chain_positions_chain ON chain_positions (chain, segment);
CREATE INDEX chain_positions_segment ON chain_positions (segment);
CREATE INDEX audit_entity ON audit (kind, entity);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE INDEX desk_requests_org ON desk_requests (org_id);
CREATE INDEX desk_requests_filed ON desk_requests (filed_at);
CREATE TRIGGER desk_requests_no_update BEFORE UPDATE ON desk_requests BEGIN SELECT RAISE(ABORT, 'desk history is append-only: desk_requests rows are never changed or deleted'); END;
CREATE TRIGGER desk_requests_no_delete BEFORE DELETE ON desk_requests BEGIN SELECT RAISE(ABORT, 'desk history is append-only: desk_requests rows are never changed or deleted'); END;
CREATE TRIGGER desk_requests_no_replace BEFORE INSERT ON desk_requests WHEN EXISTS (SELECT 1 FROM desk_requests WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, 'desk history is append-only: desk_requests rows are never changed or deleted'); END;
CREATE TRIGGER desk_log_no_update BEFORE UPDATE ON desk_log BEGIN SELECT RAISE(ABORT, 'desk history is append-only: desk_log rows are never changed or deleted'); END;
CREATE TRIGGER desk_log_no_delete BEFORE DELETE ON desk_log BEGIN SELECT RAISE(ABORT, 'desk history is append-only: desk_log rows are never changed or deleted'); END;
CREATE TRIGGER desk_log_no_replace BEFORE INSERT ON desk_log WHEN NEW.seq <> (SELECT coalesce(max(seq), 0) + 1 FROM desk_log WHERE request_id = NEW.request_id) BEGIN SELECT RAISE(ABORT, 'desk history is append-only: desk_log rows are never changed or deleted'); END;
COMMIT;
