"""Class graphs pydantic cannot build at run time, refused when they are generated.

pydantic builds a validator, and a JSON Schema (``model_json_schema``, FastAPI's docs),
by recursing through the classes a model's fields use, 12 to 30 frames per class: a
chain of a few dozen classes ends in a RecursionError, and a cycle of root models that
only alias each other (``$ref`` to ``$ref`` back) describes no value at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import GeneratorError
from .graph import DictType, ListType, ModelRef, ModelSpec, TypeSpec, UnionType

__all__ = ["MAX_MODEL_DEPTH", "check_model_graph"]

MAX_MODEL_DEPTH = 24
"""Longest chain of classes a model may use; ``model_json_schema`` fails near 30 (the
validator near 85), and the caller's own frames need room too. OpenAI's corpus: 13."""


def check_model_graph(models: Sequence[ModelSpec], *, file_name: str) -> None:
    """Raise GeneratorError, naming the classes, for an alias cycle or a chain too deep.

    Classes that refer to each other are visited once, so the depth is the longest chain
    through the class graph with each cycle counted by its size.
    """
    _check_alias_cycles(models, file_name)
    uses = {model.name: _uses(model) for model in models}
    depth, chain_next = _longest_chains(uses)
    deepest = max(depth, key=depth.__getitem__, default=None)
    if deepest is None or depth[deepest] <= MAX_MODEL_DEPTH:
        return
    chain = [deepest]
    while (following := chain_next.get(chain[-1])) is not None:
        chain.append(following)
    shown = " -> ".join(chain if len(chain) <= 6 else [*chain[:3], "...", *chain[-2:]])
    pointers = {model.name: model.pointer for model in models}
    raise GeneratorError(
        f"the classes nest {depth[deepest]} deep ({shown}); pydantic recurses through them to "
        "build a model and its JSON Schema, and at run time runs out of stack (RecursionError) "
        f"past {MAX_MODEL_DEPTH}. Shorten the chain: flatten nested objects, point a $ref at "
        "the end of a chain of $refs",
        path=file_name,
        pointer=next((pointers[name] for name in chain if pointers.get(name)), None),
    )


def _check_alias_cycles(models: Sequence[ModelSpec], file_name: str) -> None:
    by_name = {model.name: model for model in models}

    def aliased(model: ModelSpec) -> str | None:
        """The class a root model is nothing but (``RootModel[Other]``), if any."""
        if model.kind != "root" or len(model.fields) != 1:
            return None
        spec = model.fields[0].type
        return spec.name if isinstance(spec, ModelRef) and spec.kind == "root" else None

    for start in models:
        cycle = [start.name]
        while (following := aliased(by_name[cycle[-1]])) in by_name and following not in cycle:
            cycle.append(following)
        if following == start.name:
            raise GeneratorError(
                f"the $refs {' -> '.join([*cycle, start.name])} only refer to each other: no "
                "schema is in the cycle, so no value is valid; point one of them at a schema",
                path=file_name,
                pointer=next((by_name[n].pointer for n in cycle if by_name[n].pointer), None),
            )


def _uses(model: ModelSpec) -> list[str]:
    """The classes a model's fields, extras and bases use, in order, each once."""
    found: list[str] = list(model.bases)
    stack: list[TypeSpec] = [field.type for field in model.fields]
    if model.extra_type is not None:
        stack.append(model.extra_type)
    while stack:
        spec = stack.pop()
        if isinstance(spec, ModelRef):
            found.append(spec.name)
        elif isinstance(spec, ListType):
            stack.append(spec.item)
        elif isinstance(spec, DictType):
            stack.append(spec.value)
        elif isinstance(spec, UnionType):
            stack.extend(spec.members)
    return list(dict.fromkeys(name for name in found if name != model.name))


def _longest_chains(uses: dict[str, list[str]]) -> tuple[dict[str, int], dict[str, str]]:
    """Per class, the longest chain it starts (a cycle counts its size) and the next step.

    Tarjan's strongly connected components, iteratively; they come out dependencies
    first, so each chain length is known before any class that uses it.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component_of: dict[str, str] = {}
    depth: dict[str, int] = {}
    chain_next: dict[str, str] = {}
    for start in uses:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            name, position = work.pop()
            if position == 0:
                index[name] = low[name] = len(index)
                stack.append(name)
                on_stack.add(name)
            targets = [target for target in uses[name] if target in uses]
            for offset, target in enumerate(targets[position:], start=position):
                if target not in index:
                    work.extend([(name, offset + 1), (target, 0)])
                    break
                if target in on_stack:
                    low[name] = min(low[name], index[target])
            else:
                if low[name] == index[name]:
                    _close_component(name, stack, on_stack, component_of, uses, depth, chain_next)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[name])
    return depth, chain_next


def _close_component(
    root: str,
    stack: list[str],
    on_stack: set[str],
    component_of: dict[str, str],
    uses: dict[str, list[str]],
    depth: dict[str, int],
    chain_next: dict[str, str],
) -> None:
    members: list[str] = []
    while True:
        name = stack.pop()
        on_stack.discard(name)
        members.append(name)
        if name == root:
            break
    for name in members:
        component_of[name] = root
    best, step = 0, None
    for name in members:
        for target in uses[name]:
            if target in depth and component_of[target] != root and depth[target] > best:
                best, step = depth[target], target
    for name in members:
        depth[name] = len(members) + best
        if step is not None:
            chain_next[name] = step
