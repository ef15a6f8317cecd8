#!/usr/bin/env python3
"""An independent check of the traffic the strict fakes recorded (RELEASEOPS_CONTRACT_TRAFFIC): it shares no code with
the fakes' gate. Requests and answers are read against the providers' original specifications, not the extracts:

- DigitalOcean, Cloudflare: the whole OpenAPI document (every path, not only the listed ones), $refs resolved here,
  schemas checked by openapi-schema-validator (OAS30WriteValidator for requests, OAS30ReadValidator for answers).
- EC2: botocore itself. The form is read back into parameters with the service model, botocore's ParamValidator checks
  them, and botocore's own ec2 serializer must write exactly the form that was sent.
- Scaleway (no OpenAPI): tests/contracts/spec/scaleway.json, with openapi-schema-validator.

    python3 tools/Check-ContractTraffic.py traffic.jsonl --do <digitalocean/openapi checkout> --cf <openapi.json> [--scw tests/contracts/spec/scaleway.json]
"""
import argparse, base64, datetime, json, os, re, sys, urllib.parse
import yaml
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from jsonschema import FormatChecker
import botocore.session
from botocore.validate import ParamValidator
from botocore.serialize import create_serializer

_files = {}


def load(path):
    if path not in _files:
        with open(path) as f:
            _files[path] = json.load(f) if path.endswith('.json') else yaml.safe_load(f)
    return _files[path]


def deref(node, base, seen=()):
    if isinstance(node, list):
        return [deref(n, base, seen) for n in node]
    if not isinstance(node, dict):
        return node
    if '$ref' in node:
        f, _, frag = node['$ref'].partition('#')
        target = os.path.normpath(os.path.join(os.path.dirname(base), f)) if f else base
        key = (target, frag)
        if key in seen:
            return {}
        doc = load(target)
        for part in [p for p in frag.split('/') if p]:
            doc = doc[part.replace('~1', '/').replace('~0', '~')]
        return deref(doc, target, seen + (key,))
    # discriminator is a hint for code generators; its mapping names files relative to the spec. oneOf decides alone.
    return {k: deref(v, base, seen) for k, v in node.items() if k not in ('example', 'examples', 'x-codeSamples', 'discriminator')}


class OpenApi:
    def __init__(self, root, prefix=''):
        self.root, self.prefix = root, prefix
        self.paths = load(root)['paths']
        self.ops = []
        for template in self.paths:
            rx = '^' + re.sub(r'\\\{[^/]+?\\\}', '[^/]+', re.escape(prefix + template)) + '/?$'
            self.ops.append((len(re.findall('{', template)), template, re.compile(rx)))
        self.ops.sort()

    def find(self, method, path):
        for _, template, rx in self.ops:
            if rx.match(path):
                item = self.paths[template]
                base = self.root
                if '$ref' in item:
                    base = os.path.normpath(os.path.join(os.path.dirname(self.root), item['$ref']))
                    item = load(base)
                op = item.get(method.lower())
                if op is None:
                    continue
                if '$ref' in op:
                    base = os.path.normpath(os.path.join(os.path.dirname(base), op['$ref']))
                    op = load(base)
                return template, deref(op, base), deref(item.get('parameters', []), base)
        return None, None, None


def coerce(value, schema):
    t = schema.get('type')
    try:
        if t == 'integer':
            return int(value)
        if t == 'number':
            return float(value)
        if t == 'boolean':
            return {'true': True, 'false': False}[value]
    except (ValueError, KeyError):
        return value
    return value


def errors_of(validator_class, schema, value):
    v = validator_class(schema, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in v.iter_errors(value)]


def check_openapi(spec, t):
    problems = []
    path = t['path']
    template, op, common = spec.find(t['method'], path)
    if op is None:
        return [f"{t['method']} {path}: no such operation in the spec"]
    where = f"{t['method']} {template}"
    params = {(p['in'], p['name']): p for p in common + op.get('parameters', [])}
    for name, values in urllib.parse.parse_qs(t['query'].lstrip('?'), keep_blank_values=True).items():
        p = params.get(('query', name))
        if p is None:
            problems.append(f"{where}: query parameter {name} is not in the spec")
            continue
        for v in values:
            problems += [f"{where}: query {name}: {e}" for e in errors_of(OAS30WriteValidator, p.get('schema', {}), coerce(v, p.get('schema', {})))]
    for (where_in, name), p in params.items():
        if where_in == 'query' and p.get('required') and name not in t['query']:
            problems.append(f"{where}: query parameter {name} is required")
    body = op.get('requestBody')
    if t['body']:
        if not body:
            problems.append(f"{where}: a body was sent to an operation that takes none")
        else:
            media = (t['contentType'] or '').split(';')[0].strip()
            content = body.get('content', {})
            if media not in content:
                problems.append(f"{where}: content type {media} is not in the spec ({', '.join(content)})")
            elif 'json' in media:
                schema = content[media].get('schema', {})
                if spec.prefix == '/client/v4':
                    schema = cloudflare_request(schema)
                problems += [f"{where}: body {e}" for e in errors_of(OAS30WriteValidator, schema, json.loads(t['body']))]
    elif body and body.get('required'):
        problems.append(f"{where}: the spec requires a body")
    return problems


def cloudflare_request(schema):
    """Cloudflare's record schema serves requests and answers alike: its top-level required list names fields that
    only answers carry (readOnly, as OpenAPI 3.0 says: required applies to responses only), and the id the server
    assigns. A request is read without them."""
    read_only = set()

    def walk(node):
        if isinstance(node, dict):
            for name, sub in (node.get('properties') or {}).items():
                if isinstance(sub, dict) and sub.get('readOnly'):
                    read_only.add(name)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    if isinstance(schema, dict) and 'required' in schema:
        schema = dict(schema, required=[r for r in schema['required'] if r not in read_only and r != 'id'])
    return schema


def check_openapi_answer(spec, t):
    if t['status'] == 400 and not t['response']:
        return []  # refused by the gate itself
    template, op, _ = spec.find(t['method'], t['path'])
    if op is None or not t['response'].strip():
        return []
    s = str(t['status'])
    responses = op.get('responses', {})
    entry = responses.get(s) or responses.get(s[0] + 'XX') or responses.get(s[0] + 'xx') or responses.get('default')
    if entry is None:
        return [f"answer {s} to {t['method']} {template}: status not in the spec"]
    media = (t['responseContentType'] or '').split(';')[0].strip()
    schema = (entry.get('content') or {}).get(media, {}).get('schema')
    if schema is None:
        return []
    # Cloudflare's 4xx schemas are allOf(success, failure), which no answer satisfies: its failure envelope is read alone.
    if s.startswith('4') and isinstance(schema, dict) and 'allOf' in schema and len(schema['allOf']) == 2 and \
            any(sub.get('properties', {}).get('success', {}).get('enum') == [False] for sub in schema['allOf']):
        schema = next(sub for sub in schema['allOf'] if sub.get('properties', {}).get('success', {}).get('enum') == [False])
    return [f"answer {s} to {t['method']} {template}: {e}" for e in errors_of(OAS30ReadValidator, schema, json.loads(t['response']))]


class Ec2:
    def __init__(self):
        self.model = botocore.session.get_session().get_service_model('ec2')
        self.serializer = create_serializer('ec2')

    def read(self, shape, prefix, form, used):
        """The parameters that botocore's ec2 serializer would have written as these form fields."""
        if shape.type_name == 'structure':
            out = {}
            for name, member in shape.members.items():
                key = member.serialization.get('name')
                key = member.serialization.get('queryName') or (key[0].upper() + key[1:] if key else name)
                full = f'{prefix}.{key}' if prefix else key
                if any(k == full or k.startswith(full + '.') for k in form):
                    out[name] = self.read(member, full, form, used)
            return out
        if shape.type_name == 'list':
            items, i = [], 1
            while any(k == f'{prefix}.{i}' or k.startswith(f'{prefix}.{i}.') for k in form):
                items.append(self.read(shape.member, f'{prefix}.{i}', form, used))
                i += 1
            return items
        used.add(prefix)
        value = form[prefix]
        if shape.type_name in ('integer', 'long'):
            return int(value)
        if shape.type_name == 'boolean':
            return {'true': True, 'false': False}[value]
        if shape.type_name == 'blob':
            return base64.b64decode(value, validate=True)
        if shape.type_name == 'timestamp':
            return datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
        return value

    def check(self, t):
        form = dict(urllib.parse.parse_qsl(t['body'], keep_blank_values=True))
        action = form.pop('Action', '')
        form.pop('Version', None)
        try:
            op = self.model.operation_model(action)
        except Exception:
            return [f'EC2 action {action} is not in the model']
        used = set()
        try:
            params = self.read(op.input_shape, '', form, used) if op.input_shape else {}
        except (ValueError, KeyError, base64.binascii.Error) as e:
            return [f'{action}: a value is not of its shape ({type(e).__name__}: {e})']
        problems = [f'{action}: {k} is not a parameter of the model' for k in sorted(set(form) - used)]
        report = ParamValidator().validate(params, op.input_shape) if op.input_shape else None
        if report and report.has_errors():
            problems.append(f'{action}: {report.generate_report()}')
        body = self.serializer.serialize_to_request(params, op)['body'] if not problems else None
        written = None if body is None else ({k: str(v) for k, v in body.items()} if isinstance(body, dict) else dict(urllib.parse.parse_qsl(body, keep_blank_values=True)))
        if written is not None:
            written.pop('Action', None), written.pop('Version', None)
            if written != form:
                problems.append(f'{action}: botocore writes {sorted(set(written.items()) ^ set(form.items()))[:4]} differently')
        return problems


def main():
    a = argparse.ArgumentParser()
    a.add_argument('traffic')
    a.add_argument('--do', required=True)
    a.add_argument('--cf', required=True)
    a.add_argument('--scw', default=os.path.join(os.path.dirname(__file__), '..', 'tests', 'contracts', 'spec', 'scaleway.json'))
    args = a.parse_args()
    do = OpenApi(os.path.join(args.do, 'specification', 'DigitalOcean-public.v2.yaml'))
    cf = OpenApi(os.path.abspath(args.cf), '/client/v4')
    scw_ops = json.load(open(args.scw))['operations']
    ec2 = Ec2()
    counts, problems, stricter, rejected = {}, [], [], 0
    for line in open(args.traffic):
        t = json.loads(line)
        counts[t['provider']] = counts.get(t['provider'], 0) + 1
        if t['status'] == 400 and not t['response']:
            rejected += 1  # the gate refused it (a test sending a bad request on purpose); it must break a rule here too
        if t['provider'] == 'digitalocean':
            found = check_openapi(do, t) + check_openapi_answer(do, t)
        elif t['provider'] == 'cloudflare':
            found = check_openapi(cf, t) + check_openapi_answer(cf, t)
        elif t['provider'] == 'aws':
            found = ec2.check(t)
        else:
            found = check_scaleway(scw_ops, t)
        if t['status'] == 400 and not t['response']:
            if not found:
                # Stricter than JSON Schema: an unlisted operation, an undeclared field, or a client convention.
                stricter.append(f"{t['method']} {t['path']}{t['query']}")
            continue
        problems += found
    print(f"{sum(counts.values())} requests checked ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); {rejected} refused on purpose by tests")
    for p in sorted(set(problems)):
        print('  ' + p)
    if stricter:
        print(f"{len(stricter)} refused by the fakes that JSON Schema alone allows (unlisted operation, undeclared field, client convention): {', '.join(sorted(set(stricter)))}")
    print(f'{len(set(problems))} distinct problems')
    sys.exit(1 if problems else 0)


def check_scaleway(ops, t):
    for op in ops:
        rx = '^' + re.sub(r'\\\{[^/]+?\\\}', '[^/]+', re.escape(op['path'])) + '/?$'
        if op['method'] == t['method'] and re.match(rx, t['path']):
            problems = []
            params = {p['name']: p for p in op['parameters'] if p['in'] == 'query'}
            for name, values in urllib.parse.parse_qs(t['query'].lstrip('?'), keep_blank_values=True).items():
                if name not in params:
                    problems.append(f"{op['id']}: query parameter {name} is not in the rules")
                    continue
                for v in values:
                    problems += [f"{op['id']}: query {name}: {e}" for e in errors_of(OAS30WriteValidator, params[name]['schema'], coerce(v, params[name]['schema']))]
            body = op.get('requestBody')
            media = (t['contentType'] or '').split(';')[0].strip()
            if t['body'] and body and 'application/json' in body['content'] and media == 'application/json':
                problems += [f"{op['id']}: body {e}" for e in errors_of(OAS30WriteValidator, body['content']['application/json'], json.loads(t['body']))]
            elif t['body'] and (not body or media not in body['content']):
                problems.append(f"{op['id']}: content type {media} is not in the rules")
            return problems
    return [f"{t['method']} {t['path']}: no such Scaleway operation in the rules"]


if __name__ == '__main__':
    main()
