/* conflictmap._speedups: the text scans of extraction, compiled.
 *
 * Each function here is an exact twin of a pure-Python reference in the package (named in
 * its doc string), which stays the specification and the fallback: tests/test_speedups.py
 * checks that both give the same answer on generated and real texts. Nothing here knows a
 * language: word lists and sets come from the caller.
 *
 * Character classes follow Python's `re` module for str patterns and `str` methods:
 *   word      Py_UNICODE_ISALNUM(c) || c == '_'         (re's \w)
 *   digit     Py_UNICODE_ISDECIMAL(c)                    (re's \d)
 *   space     Py_UNICODE_ISSPACE(c)                      (re's \s, str.strip(), str.split())
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* ASCII classes by table; the rest through the Unicode database. */
enum { C_LETTER = 1, C_DIGIT = 2, C_SPACE = 4, C_UNDERSCORE = 8 };
static unsigned char ascii_class[128];

static void
init_ascii_class(void)
{
    for (int c = 0; c < 128; c++) {
        unsigned char k = 0;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            k |= C_LETTER;
        if (c >= '0' && c <= '9')
            k |= C_DIGIT;
        if (Py_UNICODE_ISSPACE(c))
            k |= C_SPACE;
        if (c == '_')
            k |= C_UNDERSCORE;
        ascii_class[c] = k;
    }
}

static inline int
is_word(Py_UCS4 c)
{
    if (c < 128)
        return ascii_class[c] != 0 && !(ascii_class[c] & C_SPACE);
    return Py_UNICODE_ISALNUM(c);
}

static inline int
is_letter(Py_UCS4 c)
{
    if (c < 128)
        return ascii_class[c] & C_LETTER;
    return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c);
}

static inline int
is_space(Py_UCS4 c)
{
    if (c < 128)
        return ascii_class[c] & C_SPACE;
    return Py_UNICODE_ISSPACE(c);
}

#define IS_WORD(c) is_word(c)
#define IS_LETTER(c) is_letter(c)

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Text;

static int
text_of(PyObject *obj, Text *t)
{
    if (!PyUnicode_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(obj) < 0)
        return -1;
#endif
    t->kind = PyUnicode_KIND(obj);
    t->data = PyUnicode_DATA(obj);
    t->len = PyUnicode_GET_LENGTH(obj);
    return 0;
}

#define CH(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

/* -- tokenize ------------------------------------------------------------------------------ */

/* The boundary characters of toponyms._BOUNDARY (besides "\s-\s"). */
static int
is_boundary_char(Py_UCS4 c)
{
    switch (c) {
    case '.': case '!': case '?': case ':': case ';': case '\n': case '"':
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB:
    case '(': case ')': case '[': case ']': case 0x2022: case '|': case 0x2013: case 0x2014:
        return 1;
    default:
        return 0;
    }
}

/* toponyms._BOUNDARY.search(text[a:b]) is not None */
static int
gap_has_boundary(Text *t, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = CH(t, i);
        if (is_boundary_char(c))
            return 1;
        if (c == '-' && i > a && i + 1 < b && is_space(CH(t, i - 1))
            && is_space(CH(t, i + 1)))
            return 1;
    }
    return 0;
}

static int
is_joiner(Py_UCS4 c)
{
    return c == '-' || c == '\'' || c == 0x2019;
}

/* text[a:b].lower() in words (1 or 0; -1 with an exception set) */
static int
lower_in(PyObject *text, Py_ssize_t a, Py_ssize_t b, PyObject *words)
{
    PyObject *part = PyUnicode_Substring(text, a, b);
    if (part == NULL)
        return -1;
    PyObject *lower = PyObject_CallMethod(part, "lower", NULL);
    Py_DECREF(part);
    if (lower == NULL)
        return -1;
    int found = PySet_Contains(words, lower);
    Py_DECREF(lower);
    return found;
}

/* toponyms._is_cap(word) for a word whose first letter is not upper case */
static int
hyphen_cap(PyObject *word, Text *w, PyObject *connectors)
{
    Py_ssize_t dash = -1;
    for (Py_ssize_t i = 0; i < w->len; i++) {
        if (CH(w, i) == '-') {
            dash = i;
            break;
        }
    }
    if (dash < 0 || dash + 1 >= w->len || !Py_UNICODE_ISUPPER(CH(w, dash + 1)))
        return 0;
    return lower_in(word, 0, dash, connectors);
}

static int
append_new(PyObject *list, PyObject *item)
{
    if (item == NULL)
        return -1;
    int rc = PyList_Append(list, item);
    Py_DECREF(item);
    return rc;
}

PyDoc_STRVAR(tokenize_doc,
"tokenize(text, connectors) -> (starts, ends, words, caps, initials)\n\n"
"The word lists of toponyms._Toks: the matches of toponyms._GAP_WORD (a gap of non-letters,\n"
"then a word of letters joined by - ' or U+2019), each word's offsets, whether it is\n"
"capitalised (first letter upper case, or 'al-Sham' after a connector) and whether the gap\n"
"before it holds a sentence or line boundary (the first word always does).");

static PyObject *
sp_tokenize(PyObject *self, PyObject *args)
{
    PyObject *text, *connectors;
    if (!PyArg_ParseTuple(args, "UO:tokenize", &text, &connectors))
        return NULL;
    if (!PyAnySet_Check(connectors)) {
        PyErr_SetString(PyExc_TypeError, "connectors must be a set or frozenset");
        return NULL;
    }
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    PyObject *starts = PyList_New(0), *ends = PyList_New(0), *words = PyList_New(0);
    PyObject *caps = PyList_New(0), *initials = PyList_New(0);
    if (!starts || !ends || !words || !caps || !initials)
        goto fail;
    Py_ssize_t p = 0;
    int first = 1;
    while (p < t.len) {
        Py_ssize_t gap = p;
        while (p < t.len && !IS_LETTER(CH(&t, p)))
            p++;
        if (p >= t.len)
            break; /* a trailing gap without a word is no match */
        Py_ssize_t start = p;
        while (p < t.len && IS_LETTER(CH(&t, p)))
            p++;
        while (p + 1 < t.len && is_joiner(CH(&t, p)) && IS_LETTER(CH(&t, p + 1))) {
            p++;
            while (p < t.len && IS_LETTER(CH(&t, p)))
                p++;
        }
        PyObject *word = PyUnicode_Substring(text, start, p);
        if (word == NULL)
            goto fail;
        if (PyList_Append(words, word) < 0) {
            Py_DECREF(word);
            goto fail;
        }
        int cap;
        if (Py_UNICODE_ISUPPER(CH(&t, start))) {
            cap = 1;
        } else {
            Text w;
            if (text_of(word, &w) < 0) {
                Py_DECREF(word);
                goto fail;
            }
            cap = hyphen_cap(word, &w, connectors);
        }
        Py_DECREF(word);
        if (cap < 0)
            goto fail;
        int initial = first || gap_has_boundary(&t, gap, start);
        first = 0;
        if (append_new(starts, PyLong_FromSsize_t(start)) < 0
            || append_new(ends, PyLong_FromSsize_t(p)) < 0
            || PyList_Append(caps, cap ? Py_True : Py_False) < 0
            || PyList_Append(initials, initial ? Py_True : Py_False) < 0)
            goto fail;
    }
    return Py_BuildValue("(NNNNN)", starts, ends, words, caps, initials);
fail:
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    Py_XDECREF(words);
    Py_XDECREF(caps);
    Py_XDECREF(initials);
    return NULL;
}

/* -- sentence spans ------------------------------------------------------------------------ */

static int
is_stop_char(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

static int
is_closer(Py_UCS4 c)
{
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0x00BB || c == ')'
           || c == ']';
}

static int
is_opener(Py_UCS4 c)
{
    return c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == 0x201E || c == 0x00AB
           || c == '(' || c == '[' || c == 0x00A1 || c == 0x00BF || c == '-';
}

static int
is_sentence_start(Py_UCS4 c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xDE)
           || (c >= '0' && c <= '9');
}

/* text._STOP matched at p: its end, or -1. Kinds: 1 stop, 2 line break, 3 bullet. */
static Py_ssize_t
stop_at(Text *t, Py_ssize_t p, int *kind)
{
    Py_UCS4 c = CH(t, p);
    if (is_stop_char(c)) {
        Py_ssize_t q = p;
        while (q < t->len && is_stop_char(CH(t, q)))
            q++;
        while (q < t->len && is_closer(CH(t, q)))
            q++;
        /* (?=\s+["'“‘„«(\[¡¿-]?\s*[A-ZÀ-ÖØ-Þ0-9]|\s*$); backtracking cannot help either */
        Py_ssize_t r = q;
        while (r < t->len && is_space(CH(t, r)))
            r++;
        int ok = (r == t->len);
        if (!ok && r > q) {
            Py_ssize_t s = r;
            if (is_opener(CH(t, s)))
                s++;
            while (s < t->len && is_space(CH(t, s)))
                s++;
            ok = s < t->len && is_sentence_start(CH(t, s));
        }
        if (ok) {
            *kind = 1;
            return q;
        }
        return -1;
    }
    if (c == '\n') {
        *kind = 2;
        return p + 1;
    }
    if ((c == ' ' || c == '\t') && p + 2 < t->len) {
        Py_UCS4 b = CH(t, p + 1), a = CH(t, p + 2);
        if ((b == 0x2022 || b == 0x00B7) && (a == ' ' || a == '\t')) {
            *kind = 3;
            return p + 3;
        }
    }
    return -1;
}

static const Py_UCS4 LEFT_QUOTES[] = {'"', '\'', 0x201C, 0x2018, 0x201E, 0x00AB, '(', '['};

static int
is_left_quote(Py_UCS4 c)
{
    for (size_t i = 0; i < sizeof(LEFT_QUOTES) / sizeof(LEFT_QUOTES[0]); i++)
        if (LEFT_QUOTES[i] == c)
            return 1;
    return 0;
}

/* text._is_abbreviation(text, stop) */
static int
is_abbreviation(PyObject *text, Text *t, Py_ssize_t stop, PyObject *abbreviations)
{
    Py_ssize_t lo = stop - 12 > 0 ? stop - 12 : 0;
    Py_ssize_t b = stop;
    while (b > lo && is_space(CH(t, b - 1)))
        b--;
    if (b == lo)
        return 0; /* rsplit() gave no word */
    Py_ssize_t a = b;
    while (a > lo && !is_space(CH(t, a - 1)))
        a--;
    while (a < b && is_left_quote(CH(t, a)))
        a++;
    if (a == b)
        return 0;
    if (b - a == 1) {
        Py_UCS4 c = CH(t, a);
        if (Py_UNICODE_ISALPHA(c) && Py_UNICODE_ISUPPER(c))
            return 1; /* an initial */
    }
    return lower_in(text, a, b, abbreviations);
}

static int
append_span(PyObject *spans, Py_ssize_t a, Py_ssize_t b)
{
    return append_new(spans, Py_BuildValue("(nn)", a, b));
}

/* text._append_trimmed(spans, text, start, end) */
static int
append_trimmed(PyObject *spans, Text *t, Py_ssize_t start, Py_ssize_t end,
               Py_ssize_t max_chars)
{
    if (start < 0)
        start = 0;
    if (end > t->len)
        end = t->len;
    Py_ssize_t first = start;
    while (first < end && is_space(CH(t, first)))
        first++;
    if (first >= end)
        return 0;
    Py_ssize_t last = end;
    while (last > first && is_space(CH(t, last - 1)))
        last--;
    while (last - first > max_chars) {
        Py_ssize_t cut = -1;
        Py_ssize_t lo = first + max_chars / 2, hi = first + max_chars;
        if (hi > t->len)
            hi = t->len;
        for (Py_ssize_t i = hi - 1; i >= lo; i--) {
            if (CH(t, i) == ' ') {
                cut = i;
                break;
            }
        }
        if (cut <= first)
            cut = first + max_chars;
        Py_ssize_t piece_end = cut < t->len ? cut : t->len;
        while (piece_end > first && is_space(CH(t, piece_end - 1)))
            piece_end--;
        if (append_span(spans, first, piece_end) < 0)
            return -1;
        Py_ssize_t next = cut;
        while (next < last && is_space(CH(t, next)))
            next++;
        first = next;
    }
    return append_span(spans, first, last);
}

PyDoc_STRVAR(sentence_spans_doc,
"sentence_spans(text, start, end, abbreviations, max_chars) -> list[tuple[int, int]]\n\n"
"text.sentence_spans: the sentences of text[start:end] (a block of whole lines).");

static PyObject *
sp_sentence_spans(PyObject *self, PyObject *args)
{
    PyObject *text, *abbreviations;
    Py_ssize_t start, end, max_chars;
    if (!PyArg_ParseTuple(args, "UnnOn:sentence_spans", &text, &start, &end, &abbreviations,
                          &max_chars))
        return NULL;
    if (!PyAnySet_Check(abbreviations)) {
        PyErr_SetString(PyExc_TypeError, "abbreviations must be a set or frozenset");
        return NULL;
    }
    if (max_chars < 2) {
        PyErr_SetString(PyExc_ValueError, "max_chars must be at least 2");
        return NULL;
    }
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    PyObject *spans = PyList_New(0);
    if (spans == NULL)
        return NULL;
    if (start < 0)
        start = 0;
    Py_ssize_t p = start;
    while (p < t.len && p < end) {
        int kind = 0;
        Py_ssize_t q = stop_at(&t, p, &kind);
        if (q < 0) {
            p++;
            continue;
        }
        Py_ssize_t stop;
        if (kind != 1) {
            stop = p;
        } else {
            if (q - p == 1 && CH(&t, p) == '.') {
                int abbr = is_abbreviation(text, &t, p, abbreviations);
                if (abbr < 0)
                    goto fail;
                if (abbr) {
                    p = q;
                    continue;
                }
            }
            stop = q;
        }
        if (append_trimmed(spans, &t, start, stop, max_chars) < 0)
            goto fail;
        start = q;
        p = q;
    }
    if (append_trimmed(spans, &t, start, end, max_chars) < 0)
        goto fail;
    return spans;
fail:
    Py_DECREF(spans);
    return NULL;
}

/* -- word tries ---------------------------------------------------------------------------- */

typedef struct {
    Py_UCS4 ch;
    int child;
} Edge;

typedef struct {
    Edge *edges;
    int n_edges;
    int cap_edges;
    int terminal;   /* a word ends here */
    int space;      /* child reached by a run of whitespace (a ' ' in a word), or -1 */
} Node;

typedef struct {
    PyObject_HEAD
    Node *nodes;
    int n_nodes;
    int cap_nodes;
    int spaces;                 /* ' ' in a word matches \s+ */
    int fold;                   /* compare characters as re.IGNORECASE does */
    Py_UCS4 *canon;             /* fold: pairs (character, its class's representative) */
    Py_ssize_t n_canon;
    unsigned char first[128];   /* ASCII characters that start a word */
    int first_wide;             /* some word starts with a non-ASCII character */
    /* For texts of one byte a character (most texts): each character as the trie compares
     * it, the root's child for it (or -1), and whether a word can start with it. */
    Py_UCS4 fold1[256];
    int root1[256];
    unsigned char start1[256];
} TrieObject;

static void
trie_free_nodes(TrieObject *tr)
{
    if (tr->nodes) {
        for (int i = 0; i < tr->n_nodes; i++)
            PyMem_Free(tr->nodes[i].edges);
        PyMem_Free(tr->nodes);
    }
    tr->nodes = NULL;
    tr->n_nodes = tr->cap_nodes = 0;
}

static void
trie_dealloc(TrieObject *tr)
{
    trie_free_nodes(tr);
    PyMem_Free(tr->canon);
    Py_TYPE(tr)->tp_free((PyObject *)tr);
}

/* Room in a PyMem array of *cap items (``size`` bytes each) for item n: doubled, from
 * ``first``, when full. -1 with MemoryError set. */
static int
grow(void **items, int *cap, int n, size_t size, int first)
{
    if (n < *cap)
        return 0;
    int more = *cap ? *cap * 2 : first;
    void *moved = PyMem_Realloc(*items, size * more);
    if (moved == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *items = moved;
    *cap = more;
    return 0;
}

static int
trie_new_node(TrieObject *tr)
{
    if (grow((void **)&tr->nodes, &tr->cap_nodes, tr->n_nodes, sizeof(Node), 64) < 0)
        return -1;
    Node *n = &tr->nodes[tr->n_nodes];
    n->edges = NULL;
    n->n_edges = n->cap_edges = 0;
    n->terminal = 0;
    n->space = -1;
    return tr->n_nodes++;
}

/* How re.IGNORECASE sees a character: its simple lower case (sre_lower_unicode), then the
 * representative of its class of characters the engine treats as one ("s" for "ſ"). */
static Py_UCS4
fold_wide(TrieObject *tr, Py_UCS4 c)
{
    Py_UCS4 lc = Py_UNICODE_TOLOWER(c);
    Py_ssize_t lo = 0, hi = tr->n_canon;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        Py_UCS4 key = tr->canon[2 * mid];
        if (key == lc)
            return tr->canon[2 * mid + 1];
        if (key < lc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lc;
}

static inline Py_UCS4
fold_char(TrieObject *tr, Py_UCS4 c)
{
    if (c < 128)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return fold_wide(tr, c);
}

/* False when no word can start with character c (folded already where the trie folds) */
static inline int
may_start(TrieObject *tr, Py_UCS4 c)
{
    return tr->first_wide || (c < 128 && tr->first[c]);
}

/* Character p of the text as the trie compares it */
static inline Py_UCS4
read_char(TrieObject *tr, Text *t, Py_ssize_t p)
{
    Py_UCS4 c = CH(t, p);
    return tr->fold ? fold_char(tr, c) : c;
}

static int
trie_find(Node *node, Py_UCS4 c)
{
    for (int i = 0; i < node->n_edges; i++)
        if (node->edges[i].ch == c)
            return node->edges[i].child;
    return -1;
}

static int
trie_child(TrieObject *tr, int at, Py_UCS4 c)
{
    if (c == ' ' && tr->spaces) {
        if (tr->nodes[at].space < 0) {
            int child = trie_new_node(tr);
            if (child < 0)
                return -1;
            tr->nodes[at].space = child;
        }
        return tr->nodes[at].space;
    }
    int found = trie_find(&tr->nodes[at], c);
    if (found >= 0)
        return found;
    int child = trie_new_node(tr);
    if (child < 0)
        return -1;
    Node *node = &tr->nodes[at]; /* the node array may have moved */
    if (grow((void **)&node->edges, &node->cap_edges, node->n_edges, sizeof(Edge), 4) < 0)
        return -1;
    node->edges[node->n_edges].ch = c;
    node->edges[node->n_edges].child = child;
    node->n_edges++;
    return child;
}

static int
trie_init(TrieObject *tr, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"words", "spaces", "fold", NULL};
    PyObject *words, *fold = Py_None;
    int spaces = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|pO:Trie", kwlist, &words, &spaces, &fold))
        return -1;
    trie_free_nodes(tr);
    PyMem_Free(tr->canon);
    tr->canon = NULL;
    tr->n_canon = 0;
    memset(tr->first, 0, sizeof(tr->first));
    memset(tr->start1, 0, sizeof(tr->start1)); /* no word starts until the tables are made */
    tr->first_wide = 0;
    tr->spaces = spaces;
    tr->fold = fold != Py_None;
    if (tr->fold) {
        /* fold: a list of (character, representative) pairs of code points, sorted */
        PyObject *seq = PySequence_Fast(fold, "fold must be a sequence of (int, int) pairs");
        if (seq == NULL)
            return -1;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        tr->canon = PyMem_Malloc(sizeof(Py_UCS4) * 2 * (n ? n : 1));
        if (tr->canon == NULL) {
            Py_DECREF(seq);
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            unsigned int a, b;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "II", &a, &b)
                || (i > 0 && a <= tr->canon[2 * i - 2])) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "fold pairs must be sorted and unique");
                Py_DECREF(seq);
                return -1;
            }
            tr->canon[2 * i] = a;
            tr->canon[2 * i + 1] = b;
        }
        tr->n_canon = n;
        Py_DECREF(seq);
    }
    if (trie_new_node(tr) < 0)
        return -1;
    PyObject *iter = PyObject_GetIter(words);
    if (iter == NULL)
        return -1;
    PyObject *word;
    while ((word = PyIter_Next(iter)) != NULL) {
        /* trie_pattern lower-cases every word; with fold, each character is folded below */
        PyObject *lower = !PyUnicode_Check(word) ? NULL
                          : tr->fold ? Py_NewRef(word)
                                     : PyObject_CallMethod(word, "lower", NULL);
        Py_DECREF(word);
        if (lower == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "Trie words must be str");
            Py_DECREF(iter);
            return -1;
        }
        Text w;
        if (text_of(lower, &w) < 0) {
            Py_DECREF(lower);
            Py_DECREF(iter);
            return -1;
        }
        if (w.len == 0) {
            Py_DECREF(lower);
            continue; /* an empty word: trie_pattern ignores it too */
        }
        int at = 0;
        for (Py_ssize_t i = 0; i < w.len; i++) {
            Py_UCS4 c = CH(&w, i);
            at = trie_child(tr, at, tr->fold ? fold_char(tr, c) : c);
            if (at < 0) {
                Py_DECREF(lower);
                Py_DECREF(iter);
                return -1;
            }
        }
        tr->nodes[at].terminal = 1;
        Py_UCS4 c0 = tr->fold ? fold_char(tr, CH(&w, 0)) : CH(&w, 0);
        if (c0 == ' ' && spaces)
            tr->first_wide = 1; /* a leading run of whitespace: check every position */
        else if (c0 < 128)
            tr->first[c0] = 1;
        else
            tr->first_wide = 1;
        Py_DECREF(lower);
    }
    Py_DECREF(iter);
    if (PyErr_Occurred())
        return -1;
    Node *root = &tr->nodes[0];
    for (Py_UCS4 c = 0; c < 256; c++) {
        Py_UCS4 f = tr->fold ? fold_char(tr, c) : c;
        tr->fold1[c] = f;
        tr->root1[c] = (root->space >= 0 && is_space(f)) ? -1 : trie_find(root, f);
        tr->start1[c] = tr->root1[c] >= 0 || (root->space >= 0 && is_space(f));
    }
    return 0;
}

/* trie_longest for a text of one byte a character, by the tables trie_init made */
static Py_ssize_t
trie_longest1(TrieObject *tr, const Py_UCS1 *s, Py_ssize_t p, Py_ssize_t end)
{
    if (!tr->start1[s[p]])
        return -1;
    int at = 0;
    Py_ssize_t best = -1;
    Py_ssize_t q = p;
    for (;;) {
        Node *node = &tr->nodes[at];
        if (node->terminal)
            best = q;
        if (q >= end)
            break;
        Py_UCS4 c = tr->fold1[s[q]];
        if (node->space >= 0 && is_space(c)) {
            while (q < end && is_space(s[q]))
                q++;
            at = node->space;
            continue;
        }
        int next = at == 0 ? tr->root1[s[q]] : trie_find(node, c);
        if (next < 0)
            break;
        at = next;
        q++;
    }
    return best;
}

/* The end of the longest word starting at p, or -1: trie_pattern's greedy regex, where the
 * path through the trie is unique and the match ends at its deepest word end. */
static Py_ssize_t
trie_longest(TrieObject *tr, Text *t, Py_ssize_t p, Py_ssize_t end)
{
    if (p >= end)
        return -1;
    if (t->kind == PyUnicode_1BYTE_KIND)
        return trie_longest1(tr, (const Py_UCS1 *)t->data, p, end);
    Py_UCS4 c = read_char(tr, t, p);
    if (!may_start(tr, c))
        return -1;
    int at = 0;
    Py_ssize_t best = -1;
    Py_ssize_t q = p;
    for (;;) {
        Node *node = &tr->nodes[at];
        if (node->terminal)
            best = q;
        if (q >= end)
            break;
        c = read_char(tr, t, q);
        if (node->space >= 0 && is_space(c)) {
            while (q < end && is_space(CH(t, q)))
                q++;
            at = node->space;
            continue;
        }
        int next = trie_find(node, c);
        if (next < 0)
            break;
        at = next;
        q++;
    }
    return best;
}

/* False when no word can start at character p of the text */
static inline int
may_start_at(TrieObject *tr, Text *t, Py_ssize_t p)
{
    if (t->kind == PyUnicode_1BYTE_KIND)
        return tr->start1[((const Py_UCS1 *)t->data)[p]];
    return may_start(tr, read_char(tr, t, p));
}

static int
boundary_at(Text *t, Py_ssize_t p)
{
    int before = p > 0 && IS_WORD(CH(t, p - 1));
    int here = p < t->len && IS_WORD(CH(t, p));
    return t->len > 0 && before != here;
}

PyDoc_STRVAR(trie_starts_doc,
"starts(text, inside=None) -> list[int]\n\n"
"Where re.finditer(r'\\b' + trie_pattern(words) + '|' + trie_pattern(inside_words), text)\n"
"matches: at each position the longest word at a word boundary, else the longest word of\n"
"``inside`` anywhere; matches do not overlap.");

static PyObject *
trie_starts(TrieObject *tr, PyObject *args)
{
    PyObject *text, *inside_obj = Py_None;
    if (!PyArg_ParseTuple(args, "U|O:starts", &text, &inside_obj))
        return NULL;
    TrieObject *inside = NULL;
    if (inside_obj != Py_None) {
        if (Py_TYPE(inside_obj) != Py_TYPE(tr)) {
            PyErr_SetString(PyExc_TypeError, "inside must be a Trie or None");
            return NULL;
        }
        inside = (TrieObject *)inside_obj;
    }
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t p = 0;
    while (p < t.len) {
        Py_ssize_t e = -1;
        if (may_start_at(tr, &t, p) && boundary_at(&t, p))
            e = trie_longest(tr, &t, p, t.len);
        if (e < 0 && inside != NULL && may_start_at(inside, &t, p))
            e = trie_longest(inside, &t, p, t.len);
        if (e < 0) {
            p++;
            continue;
        }
        if (append_new(out, PyLong_FromSsize_t(p)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        p = e > p ? e : p + 1;
    }
    return out;
}

PyDoc_STRVAR(trie_found_doc,
"found(text) -> set[str]\n\n"
"set(re.findall('(?=(' + trie_pattern(words, space=None) + '))', text)): the longest word\n"
"starting at each position, as written in text.");

static PyObject *
trie_found(TrieObject *tr, PyObject *text)
{
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    PyObject *out = PySet_New(NULL);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t p = 0; p < t.len; p++) {
        if (!may_start_at(tr, &t, p))
            continue;
        Py_ssize_t e = trie_longest(tr, &t, p, t.len);
        if (e <= p)
            continue;
        PyObject *word = PyUnicode_Substring(text, p, e);
        if (word == NULL || PySet_Add(out, word) < 0) {
            Py_XDECREF(word);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(word);
    }
    return out;
}

PyDoc_STRVAR(trie_at_doc,
"at(text) -> list[int]\n\n"
"The positions (ascending) where a word of the trie starts, not preceded by a word\n"
"character or a hyphen: the only places a pattern opening with (?<![\\w-]) and one of\n"
"these words can match.");

/* True when a word starts at p, not after a word character or a hyphen (Trie.at) */
static int
at_spot(TrieObject *tr, Text *t, Py_ssize_t p)
{
    if (p > 0) {
        Py_UCS4 b = CH(t, p - 1);
        if (IS_WORD(b) || b == '-')
            return 0;
    }
    return may_start_at(tr, t, p) && trie_longest(tr, t, p, t->len) >= 0;
}

static PyObject *
trie_at(TrieObject *tr, PyObject *text)
{
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t p = 0; p < t.len; p++) {
        if (!at_spot(tr, &t, p))
            continue;
        if (append_new(out, PyLong_FromSsize_t(p)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

PyDoc_STRVAR(trie_any_doc,
"any(text, pos=0, endpos=sys.maxsize) -> bool\n\n"
"True when a word of the trie lies wholly inside text[pos:endpos] (a regex whose every\n"
"match holds one of the words cannot match there otherwise).");

/* True when a word of the trie lies wholly inside text[pos:endpos] */
static int
holds_word(TrieObject *tr, Text *t, Py_ssize_t pos, Py_ssize_t endpos)
{
    if (pos < 0)
        pos = 0;
    if (endpos > t->len)
        endpos = t->len;
    for (Py_ssize_t p = pos; p < endpos; p++) {
        if (may_start_at(tr, t, p) && trie_longest(tr, t, p, endpos) >= 0)
            return 1;
    }
    return 0;
}

static PyObject *
trie_any(TrieObject *tr, PyObject *args)
{
    PyObject *text;
    Py_ssize_t pos = 0, endpos = PY_SSIZE_T_MAX;
    if (!PyArg_ParseTuple(args, "U|nn:any", &text, &pos, &endpos))
        return NULL;
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    return PyBool_FromLong(holds_word(tr, &t, pos, endpos));
}

PyDoc_STRVAR(trie_where_doc,
"where(text, pos=0, endpos=sys.maxsize, limit=sys.maxsize, before=sys.maxsize)\n"
"    -> list[int]\n\n"
"The positions in text[pos:endpos] (and before ``before``), ascending, where a word of\n"
"the trie starts and ends by endpos (at most ``limit`` of them): the only places a match\n"
"of a pattern that opens with one of these words can start.");

static PyObject *
trie_where(TrieObject *tr, PyObject *args)
{
    PyObject *text;
    Py_ssize_t pos = 0, endpos = PY_SSIZE_T_MAX, limit = PY_SSIZE_T_MAX;
    Py_ssize_t before = PY_SSIZE_T_MAX;
    if (!PyArg_ParseTuple(args, "U|nnnn:where", &text, &pos, &endpos, &limit, &before))
        return NULL;
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    if (pos < 0)
        pos = 0;
    if (endpos > t.len)
        endpos = t.len;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t p = pos; p < endpos && p < before && PyList_GET_SIZE(out) < limit; p++) {
        if (!may_start_at(tr, &t, p) || trie_longest(tr, &t, p, endpos) < 0)
            continue;
        if (append_new(out, PyLong_FromSsize_t(p)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* -- guarded patterns: a regex tried only where the trie's words start ---------------------- */

static PyObject *str_match, *str_search, *str_finditer, *str_end;
static PyObject *max_index; /* sys.maxsize: endpos for "the whole text" */
static PyObject *empty_tuple; /* no matches */

#define MAX_SPOTS 64

/* The places in text[pos:endpos] where a word starts and ends by endpos, at most ``limit``
 * (trie_where without the list) */
static Py_ssize_t
collect_spots(TrieObject *tr, Text *t, Py_ssize_t pos, Py_ssize_t endpos, Py_ssize_t limit,
              Py_ssize_t *spots)
{
    if (pos < 0)
        pos = 0;
    if (endpos > t->len)
        endpos = t->len;
    Py_ssize_t n = 0;
    for (Py_ssize_t p = pos; p < endpos && n < limit; p++) {
        if (may_start_at(tr, t, p) && trie_longest(tr, t, p, endpos) >= 0)
            spots[n++] = p;
    }
    return n;
}

/* regex.<name>(text, at, endpos) */
static PyObject *
call_at(PyObject *name, PyObject *regex, PyObject *text, Py_ssize_t at, PyObject *endpos)
{
    PyObject *where = PyLong_FromSsize_t(at);
    if (where == NULL)
        return NULL;
    PyObject *args[4] = {regex, text, where, endpos};
    PyObject *out = PyObject_VectorcallMethod(name, args, 4 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                              NULL);
    Py_DECREF(where);
    return out;
}

/* Reads (regex, text, pos, endpos, limit[, check]) and collects in ``spots`` the places a
 * match can start. From ``limit`` places on (MAX_SPOTS at most: the answer is the same
 * whichever it is), *decided is the answer instead: ``none`` (a new reference) when
 * ``check``, a Trie of words one of which every match holds, finds none of them in the
 * window, else regex.<fallback>(text, first place, endpos). The number of places, or -1
 * with an exception set. */
static Py_ssize_t
guarded_places(TrieObject *tr, PyObject *const *args, Py_ssize_t nargs, const char *name,
               PyObject *fallback, PyObject *none, Text *t, Py_ssize_t *spots,
               PyObject **decided)
{
    *decided = NULL;
    if (nargs != 5 && nargs != 6) {
        PyErr_Format(PyExc_TypeError, "%s() takes 5 or 6 arguments (%zd given)", name, nargs);
        return -1;
    }
    PyObject *check = nargs == 6 ? args[5] : Py_None;
    if (check != Py_None && Py_TYPE(check) != Py_TYPE(tr)) {
        PyErr_Format(PyExc_TypeError, "%s(): check must be a Trie or None", name);
        return -1;
    }
    if (text_of(args[1], t) < 0)
        return -1;
    Py_ssize_t pos = PyLong_AsSsize_t(args[2]);
    Py_ssize_t endpos = PyLong_AsSsize_t(args[3]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[4]);
    if ((pos == -1 || endpos == -1 || limit == -1) && PyErr_Occurred())
        return -1;
    if (limit < 1) {
        PyErr_Format(PyExc_ValueError, "%s(): limit must be at least 1", name);
        return -1;
    }
    if (limit > MAX_SPOTS)
        limit = MAX_SPOTS;
    Py_ssize_t n = collect_spots(tr, t, pos, endpos, limit, spots);
    if (n < limit)
        return n;
    if (check != Py_None && !holds_word((TrieObject *)check, t, pos, endpos))
        *decided = none;
    else
        *decided = call_at(fallback, args[0], args[1], spots[0], args[3]);
    if (*decided == NULL)
        return -1;
    if (*decided == none)
        Py_INCREF(none);
    return n;
}

/* regex.match(text, spot, endpos) appended to ``out`` when it matches, and *end moved past
 * it (as rules.literals.matches_at does); -1 with an exception set */
static int
match_into(PyObject *out, PyObject *regex, PyObject *text, Py_ssize_t spot,
           PyObject *endpos, Py_ssize_t *end)
{
    PyObject *found = call_at(str_match, regex, text, spot, endpos);
    if (found == NULL)
        return -1;
    if (found == Py_None) {
        Py_DECREF(found);
        return 0;
    }
    PyObject *self[1] = {found};
    PyObject *e = PyObject_VectorcallMethod(str_end, self, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                            NULL);
    Py_ssize_t stop = e == NULL ? -1 : PyLong_AsSsize_t(e);
    Py_XDECREF(e);
    int failed = (stop == -1 && PyErr_Occurred()) || PyList_Append(out, found) < 0;
    Py_DECREF(found);
    if (failed)
        return -1;
    *end = stop > spot + 1 ? stop : spot + 1;
    return 0;
}

PyDoc_STRVAR(trie_search_doc,
"search(regex, text, pos, endpos, limit, check=None) -> re.Match | None\n\n"
"regex.search(text, pos, endpos) for a regex whose every match starts with a word of the\n"
"trie: regex.match at each place such a word starts, or, from ``limit`` places on (64 at\n"
"most), regex.search from the first of them, unless ``check`` (a Trie of words one of\n"
"which every match holds) finds none of its words in the window (rules.literals.Guarded).");

static PyObject *
trie_search(TrieObject *tr, PyObject *const *args, Py_ssize_t nargs)
{
    Text t;
    Py_ssize_t spots[MAX_SPOTS];
    PyObject *decided;
    Py_ssize_t n = guarded_places(tr, args, nargs, "search", str_search, Py_None, &t, spots,
                                  &decided);
    if (n < 0 || decided != NULL)
        return decided;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *found = call_at(str_match, args[0], args[1], spots[i], args[3]);
        if (found != Py_None)
            return found; /* a match, or NULL with the regex's error */
        Py_DECREF(found);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(trie_matches_doc,
"matches(regex, text, pos, endpos, limit, check=None) -> Iterable[re.Match]\n\n"
"regex.finditer(text, pos, endpos) for a regex whose every match starts with a word of the\n"
"trie: the matches at the places such a word starts (rules.literals.matches_at), or, from\n"
"``limit`` places on, regex.finditer from the first of them unless ``check`` finds none of\n"
"its words in the window.");

static PyObject *
trie_matches(TrieObject *tr, PyObject *const *args, Py_ssize_t nargs)
{
    Text t;
    Py_ssize_t spots[MAX_SPOTS];
    PyObject *decided;
    Py_ssize_t n = guarded_places(tr, args, nargs, "matches", str_finditer, empty_tuple, &t,
                                  spots, &decided);
    if (n < 0 || decided != NULL)
        return decided;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t end = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (spots[i] >= end && match_into(out, args[0], args[1], spots[i], args[3], &end) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

PyDoc_STRVAR(trie_matches_at_doc,
"matches_at(regex, text) -> list[re.Match]\n\n"
"rules.literals.matches_at(regex, text, self.at(text)): the matches of a regex whose every\n"
"match starts at one of the places ``at`` gives, as regex.finditer(text) finds them.");

static PyObject *
trie_matches_at(TrieObject *tr, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "matches_at() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    Text t;
    if (text_of(args[1], &t) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t end = 0;
    for (Py_ssize_t p = 0; p < t.len; p++) {
        if (p >= end && at_spot(tr, &t, p)
                && match_into(out, args[0], args[1], p, max_index, &end) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

static PyMethodDef trie_methods[] = {
    {"any", (PyCFunction)trie_any, METH_VARARGS, trie_any_doc},
    {"where", (PyCFunction)trie_where, METH_VARARGS, trie_where_doc},
    {"starts", (PyCFunction)trie_starts, METH_VARARGS, trie_starts_doc},
    {"found", (PyCFunction)trie_found, METH_O, trie_found_doc},
    {"at", (PyCFunction)trie_at, METH_O, trie_at_doc},
    {"search", (PyCFunction)(void (*)(void))trie_search, METH_FASTCALL, trie_search_doc},
    {"matches", (PyCFunction)(void (*)(void))trie_matches, METH_FASTCALL, trie_matches_doc},
    {"matches_at", (PyCFunction)(void (*)(void))trie_matches_at, METH_FASTCALL,
     trie_matches_at_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TrieType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "conflictmap._speedups.Trie",
    .tp_doc = PyDoc_STR("Trie(words, spaces=False, fold=None): words as "
                        "rules.literals.trie_pattern reads them (lower-cased; with spaces, ' ' "
                        "matches a whitespace run); with fold (sorted (char, representative) "
                        "code point pairs), text and words compare as re.IGNORECASE does"),
    .tp_basicsize = sizeof(TrieObject),
    .tp_itemsize = 0,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)trie_init,
    .tp_dealloc = (destructor)trie_dealloc,
    .tp_methods = trie_methods,
};

/* -- article text checks ------------------------------------------------------------------ */

PyDoc_STRVAR(has_surrogates_doc,
"has_surrogates(text) -> bool\n\n"
"True when text holds a lone surrogate (articles._SURROGATE.search(text) is not None).");

static PyObject *
sp_has_surrogates(PyObject *self, PyObject *arg)
{
    Text t;
    if (text_of(arg, &t) < 0)
        return NULL;
    if (t.kind == PyUnicode_1BYTE_KIND)
        Py_RETURN_FALSE; /* nothing above U+00FF */
    for (Py_ssize_t i = 0; i < t.len; i++) {
        Py_UCS4 c = CH(&t, i);
        if (c >= 0xD800 && c <= 0xDFFF)
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

PyDoc_STRVAR(count_controls_doc,
"count_controls(text, limit) -> int\n\n"
"len(articles._CONTROL_TEXT.findall(text[:limit])): the control characters other than\n"
"tab, line feed, form feed and carriage return in the first limit characters.");

static PyObject *
sp_count_controls(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "Un:count_controls", &text, &limit))
        return NULL;
    Text t;
    if (text_of(text, &t) < 0)
        return NULL;
    Py_ssize_t n = limit < t.len ? limit : t.len, count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = CH(&t, i);
        if (c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F)
            count++;
    }
    return PyLong_FromSsize_t(count);
}

static PyMethodDef module_methods[] = {
    {"has_surrogates", sp_has_surrogates, METH_O, has_surrogates_doc},
    {"count_controls", sp_count_controls, METH_VARARGS, count_controls_doc},
    {"tokenize", sp_tokenize, METH_VARARGS, tokenize_doc},
    {"sentence_spans", sp_sentence_spans, METH_VARARGS, sentence_spans_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "conflictmap._speedups",
    "Compiled twins of conflictmap's text scans (see the pure-Python references).",
    -1,
    module_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    init_ascii_class();
    str_match = PyUnicode_InternFromString("match");
    str_search = PyUnicode_InternFromString("search");
    str_finditer = PyUnicode_InternFromString("finditer");
    str_end = PyUnicode_InternFromString("end");
    max_index = PyLong_FromSsize_t(PY_SSIZE_T_MAX);
    empty_tuple = PyTuple_New(0);
    if (empty_tuple == NULL || str_match == NULL || str_search == NULL || str_finditer == NULL || str_end == NULL
            || max_index == NULL)
        return NULL;
    if (PyType_Ready(&TrieType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&TrieType);
    if (PyModule_AddObject(m, "Trie", (PyObject *)&TrieType) < 0) {
        Py_DECREF(&TrieType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
