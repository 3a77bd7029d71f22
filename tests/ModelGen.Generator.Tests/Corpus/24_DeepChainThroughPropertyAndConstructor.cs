// A report builder: entry point -> constructor -> property -> helper -> helper -> trainer.
using System;
using ModelGen;

namespace Corpus.Report
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class ChurnNet { }

    public sealed class Snapshot
    {
        private readonly ChurnNet _net;
        private readonly float[] _rows;
        public Snapshot(ChurnNet net, float[] rows) { _net = net; _rows = rows; }
        public float[] Scores => Compute();
        private float[] Compute() => Calibrate(_rows);
        private float[] Calibrate(float[] rows) => Refit(rows);
        private float[] Refit(float[] rows)
        {
            var trainer = _net.CreateTrainer(64);
            trainer.ComputeGradients(rows, new float[rows.Length / 2]);
            return trainer.LastOutputs.ToArray();
        }
    }

    public sealed class ReportBuilder
    {
        [InferenceEntryPoint]
        public float[] Build(ChurnNet net, float[] rows) => new Snapshot(net, rows).Scores; // expect: MG1001
    }
}
