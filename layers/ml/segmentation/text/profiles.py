"""Cluster profiles: what each job-ad cluster is about, for ad targeting and for recruiters.

A profile holds a readable name, the nearest industry (zero-shot, by embedding similarity), ESCO skills
mentioned in the cluster's ads, the seniority mix, distinctive keywords (class-based TF-IDF), its size and
the titles of the ads closest to the centroid. Users can override fields; `match_predecessor` and
`carry_overrides` keep those overrides attached to the same clusters after retraining.

Skills and industries come from data/ (ESCO skills © European Union, ESCO; see data/README.md).
"""

import copy
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import resources

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from segmentation.text.corpus import Document
from segmentation.text.seniority import LEVELS, seniority_distribution, seniority_of

DATA = resources.files(__package__) / "data"
LOGGER = logging.getLogger(__name__)
REPRESENTATIVE_TITLES = 5
FALLBACK_TITLE_WORDS = 6
# A skill mentioned by a single ad is not a property of its cluster.
MIN_SKILL_DOCUMENTS = 2
# Role nouns that name no field on their own ("Officers & supervisors"): a cluster is named after the most
# common two-word role ending in them instead ("police officers", "IT specialists"), or not after them at all.
GENERIC_ROLES = frozenset(["officer", "supervisor", "worker", "manager", "specialist", "technician", "assistant",
                           "operator", "analyst", "administrator", "representative", "leader", "aid", "aide",
                           "clerk", "inspector", "coordinator", "director", "chief", "professional", "associate",
                           "consultant", "advisor", "adviser", "agent", "member", "staff", "employee", "helper",
                           "attendant", "lead", "head", "expert", "controller", "trainee", "intern", "maker"])
# A title whose last word is a field, an activity or a code names no role ("Public Health", "Budget Analysis",
# "Interdisciplinary", "Program": federal titles that name a series, not a job).
_NOT_A_ROLE = re.compile(r"\d|(?:ment|tion|sion|ance|ence|ship|ity|ing|ics|ysis)$|^(?:health|program|programs|"
                         r"interdisciplinary|general|services)$", re.IGNORECASE)
# Words that cannot open a two-word role ("Clerical and Assistant" -> assistant, not "and assistant").
_CONNECTORS = frozenset(["and", "or", "&", "of", "the", "to"])
# Words after which a title names the field, not the role: "head of sales", "teacher in primary education".
_ROLE_END = frozenset(["of", "for", "in", "at", "with"])
_TITLE_WORD = re.compile(r"[^\W_][\w'+#.-]*")
# A title's role part ends at a qualifier: "Nurse - nights", "Developer (Java)", "Cook, Berlin", "Cook / Chef".
_QUALIFIER = re.compile(r"\s[-–|/]\s|[,(\[]|\s/|/\s")


def load_skills() -> "SkillVocabulary":
    return SkillVocabulary(json.loads((DATA / "skills.json").read_text(encoding="utf-8")))


def load_industries() -> list[dict]:
    return json.loads((DATA / "industries.json").read_text(encoding="utf-8"))


def _c_tf_idf(class_counts: sparse.spmatrix) -> np.ndarray:
    """Class-based TF-IDF (BERTopic): per-class L1 term frequency times log(1 + A / f_t), where A is the
    average number of words per class and f_t the frequency of term t over all classes."""
    counts = class_counts.toarray().astype(float)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average_words = counts.sum() / len(counts)
    return tf * np.log1p(average_words / np.maximum(counts.sum(axis=0), 1))


def _membership(owners: np.ndarray, classes: int) -> sparse.csr_matrix:
    """Classes x documents indicator, so membership @ counts sums each class's documents."""
    return sparse.csr_matrix((np.ones(len(owners)), (owners, np.arange(len(owners)))), shape=(classes, len(owners)))


def _pick_keywords(ranked: Iterable[str], top_n: int) -> list[str]:
    """The first top_n terms, where a bigram replaces the unigrams it contains."""
    chosen: list[str] = []
    for term in ranked:
        words = term.split()
        if len(words) == 1 and any(term in picked.split() for picked in chosen):
            continue
        if len(words) > 1:
            chosen = [picked for picked in chosen if picked not in words]
        chosen.append(term)
        if len(chosen) == top_n:
            break
    return chosen


def class_keywords(texts_by_cluster: dict[int, list[str]], top_n: int = 10) -> dict[int, list[str]]:
    """Distinctive unigrams and bigrams (no stop words) of each cluster by class-based TF-IDF."""
    clusters = list(texts_by_cluster)
    texts = [text for cluster in clusters for text in texts_by_cluster[cluster]]
    owners = np.repeat(np.arange(len(clusters)), [len(texts_by_cluster[c]) for c in clusters])
    vectorizer = CountVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2 if len(texts) > 1 else 1)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no terms left (empty input, or only stop words)
        return {cluster: [] for cluster in clusters}
    scores = _c_tf_idf(_membership(owners, len(clusters)) @ counts)
    terms = vectorizer.get_feature_names_out()
    return {cluster: _pick_keywords((terms[j] for j in np.argsort(-row, kind="stable") if row[j] > 0), top_n)
            for cluster, row in zip(clusters, scores)}


class SkillVocabulary:
    """Skills ({"label", "aliases", "kind"}) compiled into one CountVectorizer over their phrases, so a text
    mentions a skill when its label or an alias occurs as whole words, ignoring case and punctuation."""

    def __init__(self, skills: list[dict]):
        self.labels = [skill["label"] for skill in skills]
        plain = CountVectorizer(token_pattern=r"(?u)\b\w+\b")
        self._preprocess, self._tokenize = plain.build_preprocessor(), plain.build_tokenizer()
        skills_of: dict[str, set[int]] = {}
        for index, skill in enumerate(skills):
            for phrase in [skill["label"], *skill.get("aliases", [])]:
                if key := " ".join(self._words(phrase)):
                    skills_of.setdefault(key, set()).add(index)
        phrases = sorted(skills_of)
        # Phrase lengths by first word: only n-grams that can be a phrase are built.
        self._lengths: dict[str, set[int]] = {}
        for phrase in phrases:
            words = phrase.split()
            self._lengths.setdefault(words[0], set()).add(len(words))
        self._vectorizer = CountVectorizer(analyzer=self._candidates, vocabulary=phrases, binary=True)
        pairs = [(row, index) for row, phrase in enumerate(phrases) for index in skills_of[phrase]]
        rows, columns = zip(*pairs) if pairs else ((), ())
        self._phrase_skills = sparse.csr_matrix((np.ones(len(pairs)), (rows, columns)),
                                                shape=(len(phrases), len(skills)))

    def _words(self, text: str) -> list[str]:
        return self._tokenize(self._preprocess(text))

    def _candidates(self, text: str) -> list[str]:
        words = self._words(text)
        return [" ".join(words[start:start + length]) for start, word in enumerate(words)
                for length in self._lengths.get(word, ())]

    def occurrences(self, texts: list[str]) -> sparse.csr_matrix:
        """Documents x skills: 1 where the document mentions the skill."""
        return ((self._vectorizer.transform(texts) @ self._phrase_skills) > 0).astype(np.int8).tocsr()

    def document_rates(self, texts: list[str]) -> np.ndarray:
        """Share of `texts` that mention each skill: the background for `match_skills`."""
        return np.asarray(self.occurrences(texts).mean(axis=0)).ravel()


def _rank_skills(occurrences: sparse.spmatrix, labels: list[str], top_n: int, background: np.ndarray | None,
                 min_documents: int) -> list[str]:
    counts = np.asarray(occurrences.sum(axis=0)).ravel()
    rates = counts / max(occurrences.shape[0], 1)
    lift = rates / np.maximum(background, 1e-9) if background is not None else np.ones_like(rates)
    scores = rates * np.log1p(lift)
    ranked = sorted((j for j in range(len(labels)) if counts[j] >= max(min_documents, 1)),
                    key=lambda j: (-scores[j], labels[j]))
    return [labels[j] for j in ranked[:top_n]]


def match_skills(texts: list[str], vocabulary: SkillVocabulary | list[dict], top_n: int = 10,
                 background: np.ndarray | None = None, min_documents: int = 1) -> list[str]:
    """Labels of the skills mentioned in at least `min_documents` of `texts`, ranked by the share of texts
    mentioning each, weighted by log(1 + lift) against `background` (`vocabulary.document_rates(corpus)`);
    by share alone without it."""
    if not isinstance(vocabulary, SkillVocabulary):
        vocabulary = SkillVocabulary(vocabulary)
    return _rank_skills(vocabulary.occurrences(texts), vocabulary.labels, top_n, background, min_documents)


def zero_shot_industry(centroid: np.ndarray, industry_vectors: np.ndarray, industries: list[dict],
                       titles_vector: np.ndarray | None = None) -> dict:
    """The industry whose description embedding is nearest (cosine) to the cluster centroid; with
    `titles_vector` (the mean embedding of the cluster's representative members), nearest on the mean of
    both similarities, so that what the ads say about the employer (a federal agency's mission, HR rules)
    does not outweigh what the jobs are."""
    unit = normalize(industry_vectors)
    similarities = unit @ normalize(centroid.reshape(1, -1))[0]
    if titles_vector is not None:
        similarities = (similarities + unit @ normalize(titles_vector.reshape(1, -1))[0]) / 2
    best = int(np.argmax(similarities))
    return {"code": industries[best]["code"], "label": industries[best]["label"],
            "similarity": round(float(similarities[best]), 4)}


def _title(document: Document) -> str:
    if document.title and document.title.strip():
        return " ".join(document.title.split())
    return " ".join(document.text.split()[:FALLBACK_TITLE_WORDS])


def _role_words(title: str) -> list[str]:
    """The words naming the role: "Senior Software Engineer (Java), Berlin" -> Senior Software Engineer."""
    words = _TITLE_WORD.findall(_QUALIFIER.split(title)[0])
    cut = next((i for i, word in enumerate(words) if i and word.lower() in _ROLE_END), len(words))
    return words[:cut]


def _heads(title: str | None) -> list[str]:
    """The role noun and the two-word role of a title: "software engineer" -> engineer, software engineer.
    Seniority is not part of a role ("senior engineer" -> engineer); ads without a title have none."""
    words = _role_words(title or "")
    if not words or _NOT_A_ROLE.search(words[-1]):  # "Program Management", "SSA-4100": a field or a code
        return []
    roles = [" ".join(words[-n:]) for n in (1, 2) if len(words) >= n and (n == 1 or words[-2].lower() not in _CONNECTORS)]
    return [role for role in roles if " " not in role or seniority_of(role) == "mid"]


def _display(role: str) -> str:
    """Lower case but for acronyms and the like ("ICT", "DevOps"): titles come in any casing."""
    return " ".join(word if sum(ch.isupper() for ch in word) > 1 else word.lower() for word in role.split())


def _plural(role: str) -> str:
    stem, word = role[:-len(role.split()[-1])], role.split()[-1]
    lower = word.lower()
    if lower.endswith("man"):
        word = word[:-3] + "men"
    elif lower.endswith("person"):
        word = word[:-6] + "people"
    elif re.search(r"[^aeiou]y$", lower):
        word = word[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word += "es"
    else:
        word += "s"
    return stem + word


def _cluster_names(titles: list[str | None], owners: np.ndarray, clusters: int) -> list[str]:
    """Names from the roles most distinctive of each cluster (c-TF-IDF over title heads), e.g. "Software
    developers & ICT analysts"; "" where no ad has a title. A two-word role stands for its head when it
    covers half of its uses."""
    surface: dict[str, Counter] = {}
    for title in titles:
        for head in _heads(title):
            surface.setdefault(head.lower(), Counter())[head] += 1
    vectorizer = CountVectorizer(analyzer=lambda title: [head.lower() for head in _heads(title)])
    try:
        counts = _membership(owners, clusters) @ vectorizer.fit_transform(titles)
    except ValueError:  # no titles at all
        return [""] * clusters
    terms = vectorizer.get_feature_names_out()
    scores, counts = _c_tf_idf(counts), counts.toarray()
    names = []
    for row, count in zip(scores, counts):
        by_term = dict(zip(terms, count))
        chosen: list[str] = []
        for j in np.argsort(-row, kind="stable"):
            if row[j] <= 0 or len(chosen) == 2:
                break
            role = terms[j]
            if " " not in role:
                wider = max((t for t in terms if t.endswith(" " + role) and by_term[t]), key=by_term.get, default=None)
                if wider and (by_term[wider] * 2 >= by_term[role] or role in GENERIC_ROLES):
                    role = wider
                elif role in GENERIC_ROLES:  # "officers", "specialists": says nothing about the field
                    continue
            if not any(set(role.split()) & set(picked.split()) for picked in chosen):
                chosen.append(role)
        name = " & ".join(_plural(_display(surface[role].most_common(1)[0][0])) for role in chosen)
        names.append(name[:1].upper() + name[1:])
    return names


def _unique(names: list[str], keywords: list[list[str]]) -> list[str]:
    """Colliding names get the cluster's first keyword not already in the name, then a number."""
    collisions = Counter(names)
    names = [next((f"{name} ({k})" for k in words if k.lower() not in name.lower()), name)
             if collisions[name] > 1 else name for name, words in zip(names, keywords)]
    unique: list[str] = []
    for name in names:
        candidate, number = name, 1
        while candidate in unique:
            number += 1
            candidate = f"{name} {number}"
        unique.append(candidate)
    return unique


def _first_carriers(titles: list[str], rows: np.ndarray) -> list[tuple[str, int]]:
    """The first REPRESENTATIVE_TITLES distinct titles in order, each with the row that first carries it."""
    carriers: dict[str, int] = {}
    for title, row in zip(titles, rows):
        if title not in carriers:
            carriers[title] = int(row)
            if len(carriers) == REPRESENTATIVE_TITLES:
                break
    return list(carriers.items())


def build_profiles(documents: list[Document], cluster_ids: np.ndarray, centroids: np.ndarray,
                   embeddings: np.ndarray, embed: Callable[[list[str]], np.ndarray],
                   top_n: int = 10) -> dict[str, dict]:
    """Profiles of the clusters that have members, keyed by str(cluster id); `centroids[c]` is cluster c's
    centroid and `embed` the encoder that produced `embeddings` (used on the industry descriptions)."""
    cluster_ids = np.asarray(cluster_ids)
    if not len(documents) == len(cluster_ids) == len(embeddings):
        raise ValueError("documents, cluster_ids and embeddings must have the same length")
    clusters = [int(c) for c in np.unique(cluster_ids)]
    titles = [_title(document) for document in documents]
    texts = [f"{title}. {document.text}" for title, document in zip(titles, documents)]
    members = {c: np.flatnonzero(cluster_ids == c) for c in clusters}
    owners = np.searchsorted(clusters, cluster_ids)

    keywords = class_keywords({c: [texts[i] for i in members[c]] for c in clusters}, top_n)
    names = [name or " & ".join(keywords[c][:2]).capitalize() or f"Cluster {c}"
             for c, name in zip(clusters, _cluster_names([d.title for d in documents], owners, len(clusters)))]
    names = _unique(names, [keywords[c] for c in clusters])
    vocabulary = load_skills()
    occurrences = vocabulary.occurrences(texts)
    background = np.asarray(occurrences.mean(axis=0)).ravel()
    industries = load_industries()
    industry_vectors = np.asarray(embed([f"{i['label']}: {i['description']}" for i in industries]))
    levels = [seniority_of(document.title, document.text) for document in documents]
    unit = normalize(embeddings)

    closest = {}
    for c in clusters:
        rows = members[c]
        closest[c] = rows[np.argsort(-(unit[rows] @ normalize(centroids[c].reshape(1, -1))[0]), kind="stable")]
    # The representative titles, each with the member nearest the centroid that carries it.
    carriers = {c: _first_carriers([titles[i] for i in closest[c]], closest[c]) for c in clusters}
    representative = {c: [title for title, _ in carriers[c]] for c in clusters}
    # What the jobs are: the mean of the representative members' embeddings (already computed, so building
    # profiles needs no encoder beyond the industry descriptions, which the first embedding shard stores).
    title_vectors = np.stack([unit[[i for _, i in carriers[c]]].mean(axis=0) for c in clusters])

    profiles = {}
    for index, (c, name) in enumerate(zip(clusters, names)):
        rows = members[c]
        distribution = seniority_distribution([levels[i] for i in rows])
        profiles[str(c)] = {
            "name": name,
            "industry": zero_shot_industry(centroids[c], industry_vectors, industries, title_vectors[index]),
            "skills": _rank_skills(occurrences[rows], vocabulary.labels, top_n, background, MIN_SKILL_DOCUMENTS),
            "seniority": {"distribution": distribution, "dominant": max(LEVELS, key=distribution.get)},
            "keywords": keywords[c],
            "size": len(rows),
            "representative_titles": representative[c],
        }
    return profiles


def merge_overrides(profiles: dict, overrides: dict) -> dict:
    """User overrides {"<cluster id>": {field: value}} laid over the profiles, field by field (a nested
    "industry" or "seniority" is replaced whole), without mutating the inputs. Overrides of cluster ids
    with no profile are ignored and logged as a warning."""
    merged = copy.deepcopy(profiles)
    unknown = [str(cluster) for cluster in overrides if str(cluster) not in merged]
    for cluster, fields in overrides.items():
        if str(cluster) in merged:
            merged[str(cluster)].update(copy.deepcopy(fields))
    if unknown:
        LOGGER.warning("ignored overrides for unknown clusters: %s", ", ".join(unknown))
    return merged


def match_predecessor(new_centroids: np.ndarray, old_centroids: np.ndarray,
                      min_similarity: float = 0.8) -> dict[int, int]:
    """{new cluster id: old cluster id}: a one-to-one matching maximising total cosine similarity
    (Hungarian algorithm), keeping only pairs at least min_similarity apart."""
    similarity = normalize(new_centroids) @ normalize(old_centroids).T
    new_ids, old_ids = linear_sum_assignment(similarity, maximize=True)
    return {int(n): int(o) for n, o in zip(new_ids, old_ids) if similarity[n, o] >= min_similarity}


def carry_overrides(overrides_by_old_id: dict, mapping: dict[int, int]) -> dict[str, dict]:
    """Overrides re-keyed to the new cluster ids of `mapping` (from match_predecessor); overrides of old
    clusters without a successor are dropped."""
    by_old = {str(old): fields for old, fields in overrides_by_old_id.items()}
    return {str(new): copy.deepcopy(by_old[str(old)]) for new, old in mapping.items() if str(old) in by_old}
