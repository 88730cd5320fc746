#!/usr/bin/env python3
"""Reads a TensorBoard event file with TensorBoard's own record reader, which checks the masked CRC-32C of every
record's length and data, and prints its scalars, text summaries and hyperparameters as JSON:
{"file_version": ..., "scalars": [[tag, step, value, wall_time], ...], "texts": {tag: text},
 "hparams": {name: value}} (the hparams plugin's session start, decoded with TensorBoard's own protos).
A damaged or truncated record is an error (exit status 1), not a silently shorter file.
The tests use it to check our hand-written event files with an independent implementation.
Needs `python3 -m pip install tensorboard`."""
import json
import sys

from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
from tensorboard.plugins.hparams import plugin_data_pb2


def main(path):
    reader = pywrap_tensorflow.PyRecordReader_New(path)
    file_version = None
    scalars, texts, hparams = [], {}, {}
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            break
        event = event_pb2.Event.FromString(reader.record())
        if event.HasField("file_version"):
            file_version = event.file_version
        for value in event.summary.value:
            plugin = value.metadata.plugin_data.plugin_name
            if plugin == "text":
                texts[value.tag] = value.tensor.string_val[0].decode()
            elif plugin == "hparams":
                data = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
                for name, entry in data.session_start_info.hparams.items():
                    hparams[name] = getattr(entry, entry.WhichOneof("kind"))
            else:
                scalars.append([value.tag, event.step, value.simple_value, event.wall_time])
    print(json.dumps({"file_version": file_version, "scalars": scalars, "texts": texts, "hparams": hparams}))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except errors.OpError as error:
        print(f"error: {error.message}", file=sys.stderr)
        sys.exit(1)
