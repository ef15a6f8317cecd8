#!/usr/bin/env python3
"""Extracts, from the providers' machine-readable specifications, only the operations ReleaseOps uses, with every
schema they reference resolved inline, into tests/contracts/spec/<provider>.json (data, not code).

    python3 tools/Extract-Contracts.py --do <digitalocean/openapi checkout> --cf <cloudflare openapi.json> \
        --ec2 <botocore data/ec2/2016-11-15/service-2.json> --out tests/contracts/spec

The list of operations is tests/contracts/operations.json. Scaleway has no current published OpenAPI that could be
found; its rules are written by hand from the recorded cassettes (tests/contracts/spec/scaleway.json, not generated).
"""
import argparse, copy, json, os, re, sys
import yaml

KEEP = {'type', 'properties', 'required', 'items', 'enum', 'nullable', 'readOnly', 'writeOnly', 'oneOf', 'anyOf', 'allOf',
        'additionalProperties', 'format', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern'}


def load_yaml(path, cache={}):
    if path not in cache:
        with open(path) as f:
            cache[path] = yaml.safe_load(f)
    return cache[path]


def pointer(doc, frag):
    for part in [p for p in frag.split('/') if p]:
        part = part.replace('~1', '/').replace('~0', '~')
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def resolve(node, base, depth=0):
    """Inlines every $ref (relative files and #/fragments) and keeps only validation keywords."""
    if depth > 40:
        raise RuntimeError('reference cycle at ' + base)
    if isinstance(node, list):
        return [resolve(n, base, depth + 1) for n in node]
    if not isinstance(node, dict):
        return node
    if '$ref' in node:
        ref = node['$ref']
        file, _, frag = ref.partition('#')
        target_file = os.path.normpath(os.path.join(os.path.dirname(base), file)) if file else base
        doc = load_yaml(target_file) if target_file.endswith(('.yml', '.yaml')) else JSON_DOCS[target_file]
        return resolve(pointer(doc, frag), target_file, depth + 1)
    out = {}
    for k, v in node.items():
        if k == 'properties':
            out[k] = {name: resolve(s, base, depth + 1) for name, s in v.items()}
        elif k in ('items', 'additionalProperties') and isinstance(v, dict):
            out[k] = resolve(v, base, depth + 1)
        elif k in ('oneOf', 'anyOf', 'allOf'):
            out[k] = [resolve(s, base, depth + 1) for s in v]
        elif k in KEEP:
            out[k] = v
    return out


JSON_DOCS = {}


def openapi_ops(root_path, spec, wanted, provider):
    ops = []
    for w in wanted:
        item = spec['paths'][w['path']]
        base = root_path
        if '$ref' in item:
            base = os.path.normpath(os.path.join(os.path.dirname(root_path), item['$ref']))
            item = load_yaml(base)
        op = item[w['method'].lower()]
        if '$ref' in op:
            base = os.path.normpath(os.path.join(os.path.dirname(base), op['$ref']))
            op = load_yaml(base)
        params = []
        for p in item.get('parameters', []) + op.get('parameters', []):
            p = resolve_param(p, base)
            params.append({'name': p['name'], 'in': p['in'], 'required': bool(p.get('required')), 'schema': resolve(p.get('schema', {}), p['_base'])})
        body = None
        if 'requestBody' in op:
            rb = op['requestBody']
            rb_base = base
            if '$ref' in rb:
                rb_base = os.path.normpath(os.path.join(os.path.dirname(base), rb['$ref'].partition('#')[0])) if rb['$ref'].partition('#')[0] else base
                rb = pointer(load_yaml(rb_base) if rb_base.endswith('.yml') else JSON_DOCS[rb_base], rb['$ref'].partition('#')[2])
            body = {'required': bool(rb.get('required')), 'content': {ct: resolve(c.get('schema', {}), rb_base) for ct, c in rb.get('content', {}).items()}}
        responses = {}
        for status, r in op.get('responses', {}).items():
            r_base = base
            while '$ref' in r:
                f, _, frag = r['$ref'].partition('#')
                r_base = os.path.normpath(os.path.join(os.path.dirname(r_base), f)) if f else r_base
                r = pointer(load_yaml(r_base) if r_base.endswith(('.yml', '.yaml')) else JSON_DOCS[r_base], frag)
            responses[str(status)] = {ct: resolve(c.get('schema', {}), r_base) for ct, c in (r.get('content') or {}).items()}
        ops.append({'id': w['id'], 'method': w['method'], 'path': w['path'], 'operationId': op.get('operationId'),
                    'source': os.path.relpath(base, SOURCE_ROOT.get(provider, os.path.dirname(root_path))),
                    'parameters': params, 'requestBody': body, 'responses': responses})
    return ops


def resolve_param(p, base):
    while '$ref' in p:
        f, _, frag = p['$ref'].partition('#')
        base = os.path.normpath(os.path.join(os.path.dirname(base), f)) if f else base
        p = pointer(load_yaml(base) if base.endswith(('.yml', '.yaml')) else JSON_DOCS[base], frag)
    p = dict(p)
    p['_base'] = base
    return p


SOURCE_ROOT = {}


def ec2_shapes(service, wanted):
    shapes = service['shapes']
    keep = {}

    def walk(name):
        if name in keep:
            return
        s = shapes[name]
        keep[name] = s
        for m in s.get('members', {}).values():
            walk(m['shape'])
        if 'member' in s:
            walk(s['member']['shape'])

    ops = []
    for w in wanted:
        op = service['operations'][w['operation']]
        for io in ('input', 'output'):
            if io in op:
                walk(op[io]['shape'])
        ops.append({'id': w['id'], 'operation': w['operation'], 'input': op.get('input', {}).get('shape'), 'output': op.get('output', {}).get('shape')})
    slim = {}
    for name, s in keep.items():
        t = {k: v for k, v in s.items() if k in ('type', 'members', 'member', 'required', 'enum', 'timestampFormat', 'locationName', 'flattened', 'min', 'max')}
        if 'members' in t:
            t['members'] = {k: {kk: vv for kk, vv in m.items() if kk in ('shape', 'locationName', 'queryName')} for k, m in t['members'].items()}
        if 'member' in t:
            t['member'] = {k: v for k, v in t['member'].items() if k in ('shape', 'locationName')}
        slim[name] = t
    return {'metadata': {k: service['metadata'][k] for k in ('apiVersion', 'protocol', 'serviceId', 'xmlNamespace') if k in service['metadata']}, 'operations': ops, 'shapes': slim}


# Scaleway: the request side is written from scaleway-sdk-go's request structs (json tags, enums) and query
# builders (AddToQuery); the response side is inferred from the recorded answers of the SDK's and CLI's cassettes.
S, I, B, N = {'type': 'string'}, {'type': 'integer'}, {'type': 'boolean'}, {'type': 'number'}
STRS = {'type': 'array', 'items': S}
UUID = {'type': 'string', 'format': 'uuid'}
VOLUME_TEMPLATE = {'type': 'object', 'properties': {'id': S, 'boot': B, 'name': S, 'size': I, 'base_snapshot': S, 'organization': S, 'project': S,
                   'volume_type': {'type': 'string', 'enum': ['l_ssd', 'b_ssd', 'unified', 'scratch', 'sbs_volume', 'sbs_snapshot']}}}
BOOT = {'type': 'string', 'enum': ['local', 'bootscript', 'rescue']}
SCW_REQUESTS = {
    'scw.instance.listServerTypes': {'query': {'per_page': I, 'page': I}},
    'scw.instance.listServers': {'query': {k: S for k in ['organization', 'project', 'name', 'private_ip', 'commercial_type', 'private_network', 'private_networks', 'private_nic_mac_address', 'servers']} |
                                 {'per_page': {'type': 'integer', 'maximum': 100}, 'page': I, 'without_ip': B, 'with_ip': S, 'tags': S,
                                  'state': {'type': 'string', 'enum': ['running', 'stopped', 'stopped in place', 'starting', 'stopping', 'locked']},
                                  'order': {'type': 'string', 'enum': ['creation_date_desc', 'creation_date_asc', 'modification_date_desc', 'modification_date_asc']}}},
    'scw.instance.createServer': {'body': {'type': 'object', 'required': ['commercial_type'], 'properties': {
        'name': S, 'dynamic_ip_required': B, 'routed_ip_enabled': B, 'commercial_type': S, 'image': S, 'volumes': {'type': 'object', 'additionalProperties': VOLUME_TEMPLATE},
        'enable_ipv6': B, 'public_ip': S, 'public_ips': STRS, 'boot_type': BOOT, 'organization': S, 'project': S, 'tags': STRS, 'security_group': S,
        'placement_group': S, 'admin_password_encryption_ssh_key_id': S, 'protected': B}}},
    'scw.instance.getServer': {},
    'scw.instance.updateServer': {'body': {'type': 'object', 'properties': {
        'name': S, 'boot_type': BOOT, 'tags': STRS, 'volumes': {'type': 'object', 'additionalProperties': VOLUME_TEMPLATE}, 'dynamic_ip_required': B, 'routed_ip_enabled': B,
        'public_ips': STRS, 'enable_ipv6': B, 'protected': B, 'security_group': {'type': 'object', 'properties': {'id': S, 'name': S}}, 'placement_group': {'nullable': True, 'type': 'string'},
        'private_nics': STRS, 'commercial_type': S, 'admin_password_encryption_ssh_key_id': S}}},
    'scw.instance.setServerUserData': {'content': 'text/plain'},
    'scw.instance.serverAction': {'body': {'type': 'object', 'properties': {
        'action': {'type': 'string', 'enum': ['poweron', 'backup', 'stop_in_place', 'poweroff', 'terminate', 'reboot', 'enable_routed_ip']},
        'name': S, 'volumes': {'type': 'object', 'additionalProperties': {'type': 'object', 'properties': {'volume_type': S}}}, 'disable_ipv6': B}}},
    'scw.instance.deleteServer': {}, 'scw.instance.deleteIp': {}, 'scw.instance.deleteVolume': {}, 'scw.block.deleteVolume': {},
    'scw.block.createSnapshot': {'body': {'type': 'object', 'required': ['volume_id', 'name', 'project_id'], 'properties': {'volume_id': UUID, 'name': S, 'project_id': UUID, 'tags': STRS}}},
    'scw.block.getSnapshot': {},
    'scw.block.listSnapshots': {'query': {'order_by': {'type': 'string', 'enum': ['created_at_asc', 'created_at_desc', 'name_asc', 'name_desc']}, 'project_id': S, 'organization_id': S,
                                          'page': I, 'page_size': {'type': 'integer', 'maximum': 100}, 'volume_id': S, 'name': S, 'tags': S}},
    'scw.marketplace.listImages': {'query': {'page_size': {'type': 'integer', 'maximum': 100}, 'page': I, 'order_by': {'type': 'string', 'enum': ['name_asc', 'name_desc', 'created_at_asc', 'created_at_desc', 'updated_at_asc', 'updated_at_desc']},
                                             'arch': S, 'category': S, 'include_eol': B}},
    'scw.marketplace.listLocalImages': {'query': {'page_size': {'type': 'integer', 'maximum': 100}, 'page': I, 'order_by': {'type': 'string', 'enum': ['type_asc', 'type_desc', 'created_at_asc', 'created_at_desc']},
                                                  'zone': S, 'arch': S, 'type': {'type': 'string', 'enum': ['unknown_type', 'instance_local', 'instance_sbs']}, 'image_id': S, 'version_id': S, 'image_label': S}},
}
SCW_ERROR = {'type': 'object', 'required': ['message'], 'properties': {'type': S, 'message': S, 'resource': S, 'resource_id': S, 'help_message': S, 'details': {'type': 'array', 'items': {'type': 'object'}},
                                                                      'fields': {'type': 'object', 'additionalProperties': True}, 'current': I, 'quota': I}}


def infer(values):
    """A schema that every recorded value satisfies: JSON kinds, object members (closed), array items."""
    values = [v for v in values]
    non_null = [v for v in values if v is not None]
    nullable = len(non_null) < len(values)
    if not non_null:
        return {'nullable': True}
    kinds = {('integer' if isinstance(v, int) and not isinstance(v, bool) else 'number' if isinstance(v, float) else 'boolean' if isinstance(v, bool)
              else 'string' if isinstance(v, str) else 'array' if isinstance(v, list) else 'object') for v in non_null}
    if kinds == {'integer', 'number'}:
        kinds = {'number'}
    if len(kinds) > 1:
        return {'nullable': True} if nullable else {}
    kind = kinds.pop()
    out = {'type': kind}
    if nullable:
        out['nullable'] = True
    if kind == 'object':
        keys = sorted({k for v in non_null for k in v})
        # Maps keyed by data (volumes "0", "1"; product names) are kept open.
        if keys and all(re.fullmatch(r'[0-9]+|[A-Z0-9][A-Z0-9-]*[0-9A-Z]', k) for k in keys) and len(keys) > 0 and not any(k.islower() for k in keys):
            out['additionalProperties'] = infer([x for v in non_null for x in v.values()])
        else:
            out['properties'] = {k: infer([v.get(k) for v in non_null if k in v]) for k in keys}
            out['additionalProperties'] = False
    if kind == 'array':
        out['items'] = infer([x for v in non_null for x in v]) if any(non_null) else {}
    return out


def scaleway(cassettes, wanted):
    import glob
    recorded = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(cassettes, '*', '*.json')))]
    ops = []
    for w in wanted:
        rx = '^https://api.scaleway.com' + re.sub(r'\\{[a-z_]+\\}', '[^/?]+', re.escape(w['path'])) + '/?(\\?|$)'
        hits = [r for r in recorded if r.get('request', {}).get('method') == w['method'] and re.match(rx, r['request'].get('url', ''))]
        by_status = {}
        for r in hits:
            by_status.setdefault(str(r['response']['code']), []).append(r['response'].get('body'))
        req = SCW_REQUESTS[w['id']]
        params = [{'name': n, 'in': 'query', 'required': False, 'schema': s} for n, s in req.get('query', {}).items()]
        params += [{'name': n, 'in': 'path', 'required': True, 'schema': S} for n in re.findall(r'{(\w+)}', w['path'])]
        body = None
        if 'body' in req:
            body = {'required': True, 'content': {'application/json': req['body']}}
        elif 'content' in req:
            body = {'required': True, 'content': {req['content']: {'type': 'string'}}}
        responses = {}
        for status, bodies in by_status.items():
            ok = [b for b in bodies if isinstance(b, (dict, list))]
            responses[status] = {'application/json': infer(ok)} if ok else {}
        responses['4XX'] = {'application/json': SCW_ERROR}
        responses['5XX'] = {'application/json': SCW_ERROR}
        ops.append({'id': w['id'], 'method': w['method'], 'path': w['path'], 'source': 'recorded: ' + ', '.join(sorted({r.get('_source', '?').split(' interaction')[0].split(':')[-1] for r in hits})[:4]),
                    'parameters': params, 'requestBody': body, 'responses': responses})
    # No cassette lists block snapshots: the list is the recorded snapshot in the Block API's list envelope.
    get = next(o for o in ops if o['id'] == 'scw.block.getSnapshot')['responses']['200']['application/json']
    for o in ops:
        if o['id'] == 'scw.block.listSnapshots':
            o['responses']['200'] = {'application/json': {'type': 'object', 'additionalProperties': False, 'properties': {'snapshots': {'type': 'array', 'items': get}, 'total_count': I}}}
            o['source'] = 'scaleway-sdk-go api/block/v1alpha1 ListSnapshotsResponse {snapshots, total_count}, items as recorded for GET snapshots/{id}'
    return {'openapi': 'none (Scaleway)', 'operations': ops}


def main():
    a = argparse.ArgumentParser()
    a.add_argument('--do'); a.add_argument('--cf'); a.add_argument('--ec2'); a.add_argument('--scw'); a.add_argument('--out', required=True)
    a.add_argument('--operations', default=os.path.join(os.path.dirname(__file__), '..', 'tests', 'contracts', 'operations.json'))
    args = a.parse_args()
    wanted = json.load(open(args.operations))['operations']
    by = lambda p: [w for w in wanted if w['provider'] == p]
    if args.do:
        root = os.path.join(args.do, 'specification', 'DigitalOcean-public.v2.yaml')
        SOURCE_ROOT['digitalocean'] = args.do
        spec = load_yaml(root)
        json.dump({'openapi': spec['openapi'], 'operations': openapi_ops(root, spec, by('digitalocean'), 'digitalocean')}, open(os.path.join(args.out, 'digitalocean.json'), 'w'), indent=1, sort_keys=True)
    if args.cf:
        JSON_DOCS[os.path.normpath(args.cf)] = json.load(open(args.cf))
        spec = JSON_DOCS[os.path.normpath(args.cf)]
        SOURCE_ROOT['cloudflare'] = os.path.dirname(args.cf)
        ops = openapi_ops(os.path.normpath(args.cf), spec, by('cloudflare'), 'cloudflare')
        for op in ops:
            # Erratum: this spec gives requests the record's response schema, whose top-level required list names the
            # server-assigned id (not marked readOnly, unlike created_on, modified_on and proxiable). No client sends
            # an id in the body (it is in the path, or assigned on create), so it is dropped from requests' required.
            for ct, schema in ((op['requestBody'] or {}).get('content') or {}).items():
                if 'id' in schema.get('required', []):
                    schema['required'] = [r for r in schema['required'] if r != 'id']
                    op['errata'] = 'requestBody: id removed from required (the response schema reused for requests)'
            # Erratum: the 4xx answers are given as allOf(the success envelope, the failure envelope), which no document
            # can satisfy (success is enum [true] in one and [false] in the other). The failure envelope is what the
            # API documents for errors (errors[].code and message), so it alone is kept.
            failure = resolve({'$ref': '#/components/schemas/dns-records_api-response-common-failure'}, os.path.normpath(args.cf)) if op['path'].startswith('/zones/') \
                else resolve({'$ref': '#/components/schemas/zones_api-response-common-failure'}, os.path.normpath(args.cf))
            for status in list(op['responses']):
                if status.lower() == '4xx' and 'allOf' in (op['responses'][status].get('application/json') or {}):
                    op['responses'][status] = {'application/json': failure}
                    op['errata'] = (op.get('errata', '') + '; ' if op.get('errata') else '') + '4xx: the failure envelope alone (allOf(success, failure) cannot be satisfied)'
        json.dump({'openapi': spec['openapi'], 'operations': ops}, open(os.path.join(args.out, 'cloudflare.json'), 'w'), indent=1, sort_keys=True)
    if args.scw:
        json.dump(scaleway(args.scw, by('scaleway')), open(os.path.join(args.out, 'scaleway.json'), 'w'), indent=1, sort_keys=True)
    if args.ec2:
        json.dump(ec2_shapes(json.load(open(args.ec2)), by('aws')), open(os.path.join(args.out, 'ec2.json'), 'w'), indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
