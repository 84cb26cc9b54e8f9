package auditlog

import (
	"errors"
	"unsafe"

	"github.com/tidwall/gjson"
)

// parseJSON classifies a JSON object record and maps it into the schema.
func (r *Reader) parseJSON(rec []byte) (Format, error) {
	// gjson reads the bytes in place; every value is copied into the arena
	// before r.pend is reused.
	s := unsafe.String(unsafe.SliceData(rec), len(rec))
	if !gjson.Valid(s) {
		return 0, errors.New("invalid JSON")
	}
	root := gjson.Parse(s)
	if !root.IsObject() {
		return 0, errors.New("not a JSON object")
	}
	if ar := root.Get("audit_record"); ar.IsObject() {
		r.perconaJSON(ar)
		return PerconaJSON, r.needName()
	}
	if root.Get("class").Exists() && root.Get("event").Exists() {
		r.mysqlJSON(root)
		return MySQLJSON, r.needName()
	}
	switch root.Get("type").Str {
	case "successful_login", "failed_login":
		r.auditLogin(root)
		return AuditLogin, nil
	}
	return 0, errors.New(`JSON object of no known audit format (no "audit_record", "class"/"event" or login "type")`)
}

func (r *Reader) needName() error {
	if _, ok := r.b.get("name"); !ok {
		return errors.New("no name")
	}
	return nil
}

// addJSON stores a JSON value: strings decoded, integers bare, anything
// else (objects, arrays, floats, booleans, null) as its raw JSON text.
func (r *Reader) addJSON(key string, v gjson.Result) {
	switch v.Type {
	case gjson.String:
		r.b.add(key, v.Str, kStr)
	case gjson.Number:
		if isJSONInt([]byte(v.Raw)) {
			r.b.add(key, v.Raw, kNum)
		} else {
			r.b.add(key, v.Raw, kRaw)
		}
	default:
		r.b.add(key, v.Raw, kRaw)
	}
}

// addText stores a value as a string whatever its JSON type (the schema
// keeps connection_id and record as strings, as Percona writes them).
func (r *Reader) addText(key string, v gjson.Result) {
	if v.Type == gjson.String {
		r.b.add(key, v.Str, kStr)
		return
	}
	r.b.add(key, v.Raw, kStr)
}

// perconaJSON copies {"audit_record":{...}}: it is the schema already.
func (r *Reader) perconaJSON(ar gjson.Result) {
	ar.ForEach(func(k, v gjson.Result) bool {
		r.addJSON(k.Str, v)
		return true
	})
}

// mysqlJSON maps MySQL's JSON audit format: "login" holds what the client
// sent, "account" the account it was authenticated as (Percona's
// priv_user), and the *_data objects the event details.
func (r *Reader) mysqlJSON(root gjson.Result) {
	var class, event, command string
	root.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "timestamp":
			r.addText("timestamp", v)
		case "id":
			r.addText("record", v)
		case "connection_id":
			r.addText("connection_id", v)
		case "class":
			class = v.String()
			r.addJSON("class", v)
		case "event":
			event = v.String()
			r.addJSON("event", v)
		case "account":
			r.mapObject(v, accountNames)
		case "login":
			r.mapObject(v, loginNames)
		case "general_data":
			command = v.Get("command").String()
			r.mapObject(v, generalNames)
		case "table_access_data":
			r.mapObject(v, tableNames)
		case "connection_data":
			r.mapObject(v, nil)
		default:
			r.addJSON(k.Str, v)
		}
		return true
	})
	r.b.add("name", mysqlJSONName(class, event, command), kStr)
}

// Renamings of the members of MySQL JSON's sub-objects.
var (
	accountNames = map[string]string{"user": "priv_user", "host": "host"}
	loginNames   = map[string]string{"user": "user", "os": "os_user", "ip": "ip", "proxy": "proxy_user"}
	generalNames = map[string]string{"command": "", "sql_command": "command_class", "query": "sqltext"}
	tableNames   = map[string]string{"sql_command": "command_class", "query": "sqltext"}
)

// mapObject copies the members of an object, renaming them through names
// ("" drops a member); members not in names keep their own name.
func (r *Reader) mapObject(obj gjson.Result, names map[string]string) {
	obj.ForEach(func(k, v gjson.Result) bool {
		key, ok := names[k.Str]
		if !ok {
			key = k.Str
		}
		if key != "" {
			r.addJSON(key, v)
		}
		return true
	})
}

// mysqlJSONName gives MySQL JSON events the NAME the XML formats use.
func mysqlJSONName(class, event, command string) string {
	switch {
	case command != "":
		return command
	case class == "connection" && event == "connect":
		return "Connect"
	case class == "connection" && event == "disconnect":
		return "Quit"
	case class == "connection" && event == "change_user":
		return "Change user"
	case class == "audit" && event == "startup":
		return "Audit"
	case class == "audit" && event == "shutdown":
		return "NoAudit"
	}
	return class + "_" + event
}

// loginFailedStatus is the status given to audit_login's failed_login
// records, which carry no error code: 1045 is ER_ACCESS_DENIED_ERROR, what
// the other plugins report for a refused login.
const loginFailedStatus = 1045

// auditLogin maps an audit_login record to a Connect record.
func (r *Reader) auditLogin(root gjson.Result) {
	r.b.add("name", "Connect", kStr)
	if root.Get("type").Str == "failed_login" {
		r.b.addInt("status", loginFailedStatus)
	} else {
		r.b.addInt("status", 0)
	}
	root.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "ts":
			r.addText("timestamp", v)
		case "type":
			r.addJSON("login_type", v)
		case "myhost":
			r.addJSON("server_host", v)
		case "thread":
			r.addText("connection_id", v)
		default:
			r.addJSON(k.Str, v)
		}
		return true
	})
}
