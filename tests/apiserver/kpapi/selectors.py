"""Label and field selectors, parsed and matched as apimachinery does.

Label selectors (apimachinery pkg/labels): comma-joined requirements
`key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`,
`key notin (a,b)`, `key>n`, `key<n`.  kube-proxy 1.28 sends
`!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name`.
Field selectors (pkg/fields): `label=v`, `label==v`, `label!=v`, comma-joined,
with `\\`, `\\,` and `\\=` escapes in values.  Which field labels a resource
accepts is the Resource's business (resources.py); an unknown one is a 400.
"""

import re

_TOKEN = re.compile(r'\s*(?:(!=|==|=|!|\(|\)|,|>|<)|([^\s!=(),<>]+))')
_NAME = r'[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?'
_KEY = re.compile(r'(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?' + _NAME +
                  r'\Z')
_VALUE = re.compile(r'(?:' + _NAME + r')?\Z')


class SelectorError(ValueError):
    pass


def _tokens(s):
    pos, out = 0, []
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            if s[pos:].strip() == '':
                break
            raise SelectorError('unable to parse requirement: unexpected '
                                'character at %r' % s[pos:])
        pos = m.end()
        out.append(('op', m.group(1)) if m.group(1) else ('id', m.group(2)))
    return out


def _check_key(k):
    if not _KEY.match(k):
        raise SelectorError('unable to parse requirement: invalid label key '
                            '"%s": name part must consist of alphanumeric '
                            "characters, '-', '_' or '.'" % k)
    return k


def _check_value(v):
    if not _VALUE.match(v):
        raise SelectorError('unable to parse requirement: invalid label '
                            'value: "%s"' % v)
    return v


def parse_labels(s):
    """A label selector string -> list of (key, op, values)."""
    toks = _tokens(s or '')
    reqs, i, n = [], 0, len(toks)

    def peek(j):
        return toks[j] if j < n else ('end', None)

    while i < n:
        kind, val = peek(i)
        if (kind, val) == ('op', '!'):
            kind, key = peek(i + 1)
            if kind != 'id':
                raise SelectorError('unable to parse requirement: '
                                    'expected a key after "!"')
            reqs.append((_check_key(key), '!', None))
            i += 2
        elif kind == 'id':
            key = _check_key(val)
            kind, op = peek(i + 1)
            if kind == 'end' or (kind, op) == ('op', ','):
                reqs.append((key, 'exists', None))
                i += 1
            elif kind == 'op' and op in ('=', '==', '!='):
                kind2, v = peek(i + 2)
                if kind2 == 'id':
                    reqs.append((key, '!=' if op == '!=' else '=',
                                 _check_value(v)))
                    i += 3
                else:
                    reqs.append((key, '!=' if op == '!=' else '=', ''))
                    i += 2
            elif kind == 'op' and op in ('>', '<'):
                kind2, v = peek(i + 2)
                if kind2 != 'id' or not re.fullmatch(r'-?\d+', v):
                    raise SelectorError('unable to parse requirement: '
                                        'for %s operator, the value must be '
                                        'an integer' % op)
                reqs.append((key, op, int(v)))
                i += 3
            elif kind == 'id' and op in ('in', 'notin'):
                if peek(i + 2) != ('op', '('):
                    raise SelectorError('unable to parse requirement: '
                                        'expected "(" after %s' % op)
                j, vals = i + 3, set()
                while True:
                    k2, v = peek(j)
                    if k2 == 'id':
                        vals.add(_check_value(v))
                        j += 1
                        k2, v = peek(j)
                    if (k2, v) == ('op', ','):
                        j += 1
                        continue
                    if (k2, v) == ('op', ')'):
                        j += 1
                        break
                    raise SelectorError('unable to parse requirement: '
                                        'unterminated value list')
                if not vals:
                    raise SelectorError('unable to parse requirement: '
                                        'for \'%s\' set operator, values '
                                        'set can\'t be empty' % op)
                reqs.append((key, op, vals))
                i = j
            else:
                raise SelectorError('unable to parse requirement: found '
                                    '%r, expected an operator' % op)
        else:
            raise SelectorError('unable to parse requirement: found %r, '
                                'expected: !, identifier, or \'end of '
                                'string\'' % val)
        if i < n:
            if peek(i) != ('op', ','):
                raise SelectorError('unable to parse requirement: found %r, '
                                    'expected: \',\' or \'end of string\''
                                    % (peek(i)[1],))
            i += 1
            if i == n:
                raise SelectorError('unable to parse requirement: found '
                                    '\'\', expected: identifier after \',\'')
    return reqs


def labels_match(reqs, labels):
    for key, op, v in reqs:
        have = key in labels
        if op == 'exists':
            if not have:
                return False
        elif op == '!':
            if have:
                return False
        elif op == '=':
            if not have or labels[key] != v:
                return False
        elif op == '!=':
            if have and labels[key] == v:
                return False
        elif op == 'in':
            if not have or labels[key] not in v:
                return False
        elif op == 'notin':
            if have and labels[key] in v:
                return False
        else:  # > <
            try:
                x = int(labels[key]) if have else None
            except (TypeError, ValueError):
                return False
            if x is None or (x <= v if op == '>' else x >= v):
                return False
    return True


def _split_unescaped(s, sep):
    parts, cur, i = [], [], 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            cur.append(s[i:i + 2])
            i += 2
            continue
        if c == sep:
            parts.append(''.join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append(''.join(cur))
    return parts


def _unescape(v):
    out, i = [], 0
    while i < len(v):
        if v[i] == '\\':
            if i + 1 >= len(v) or v[i + 1] not in '\\,=':
                raise SelectorError('invalid field selector: invalid escape '
                                    'sequence in %r' % v)
            out.append(v[i + 1])
            i += 2
        else:
            out.append(v[i])
            i += 1
    return ''.join(out)


def parse_fields(s, supported):
    """A field selector string -> list of (label, op, value); op is = or !=.
    `supported` is the set of field labels the resource accepts."""
    reqs = []
    if not s:
        return reqs
    for term in _split_unescaped(s, ','):
        if term == '':
            continue
        m = re.match(r'([^!=]*?)(!=|==|=)(.*)\Z', term, re.S)
        if not m:
            raise SelectorError('invalid selector: \'%s\'; can\'t '
                                'understand \'%s\'' % (s, term))
        label, op, value = m.group(1).strip(), m.group(2), m.group(3)
        if label not in supported:
            raise SelectorError('field label not supported: %s' % label)
        reqs.append((label, '!=' if op == '!=' else '=', _unescape(value)))
    return reqs


def fields_match(reqs, fields):
    for label, op, v in reqs:
        if (fields.get(label, '') == v) != (op == '='):
            return False
    return True


class Selector:
    """The filter of one list or watch: namespace, label and field
    requirements."""

    def __init__(self, resource, namespace='', label_selector='',
                 field_selector=''):
        self.namespace = namespace or ''
        self.labels = parse_labels(label_selector)
        self.fields = parse_fields(field_selector, resource.fields)
        self.trivial = not (self.namespace or self.labels or self.fields)

    def matches(self, entry):
        if entry is None:
            return False
        if self.trivial:
            return True
        if self.namespace and entry.key[0] != self.namespace:
            return False
        return (labels_match(self.labels, entry.labels) and
                fields_match(self.fields, entry.fields))
