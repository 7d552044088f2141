"""JSON value types shared by the simulator's modules."""

type JSONValue = (
    str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None
)
type JSONObject = dict[str, JSONValue]
