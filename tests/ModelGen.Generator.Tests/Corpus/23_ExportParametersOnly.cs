// A hand-rolled export that writes only the parameters to disk.
using System;
using System.IO;
using System.Runtime.InteropServices;
using ModelGen;

namespace Corpus.Export
{
    [Model, Input(12), Dense(24), BatchNorm, ReLU, Dense(2), Softmax]
    public partial class FraudNet { }

    public static class Exporter
    {
        public static void Export(FraudNet model, string path) =>
            File.WriteAllBytes(path, MemoryMarshal.AsBytes(model.Parameters).ToArray()); // expect: MG1006
    }
}
