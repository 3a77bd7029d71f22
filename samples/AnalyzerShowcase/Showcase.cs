// Every rule of the ModelGen analyzer, on purpose. Build: dotnet build samples/AnalyzerShowcase
using System;
using System.IO;
using System.Runtime.InteropServices;
using ModelGen;

namespace AnalyzerShowcase
{
    [Model, Input(8), Dense(16)]
    [BatchNorm(Momentum = 0.99)]                               // MG1005: a Keras momentum under the PyTorch convention
    [ReLU, Dense(3), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class ShowNet { }

    [Model, Input(8), Dense(16)]
    [BatchNorm(UseBatchStatisticsAtInference = true)]          // MG1002: batch statistics at inference, no reason
    [ReLU]
    [Dropout(0.5, ActiveAtInference = true)]                   // MG1003: dropout active at inference, no reason
    [Dense(3), Softmax]
    public partial class LeakyNet { }

    public sealed class Service
    {
        private readonly ShowNet _net = new ShowNet();
        private ShowNet.Trainer? _trainer;

        [InferenceEntryPoint]
        public float[] Score(float[] rows)
        {
            _trainer ??= _net.CreateTrainer(32);                   // not reported: creating a trainer computes nothing
            int seen = _trainer.LastOutputs.Length;                // MG1007: training-mode outputs, read from an inference entry point
            return Refresh(rows);                                  // MG1001: Score -> Refresh -> Trainer.ComputeGradients
        }

        private float[] Refresh(float[] rows)
        {
            _trainer!.ComputeGradients(rows, new float[rows.Length / ShowNet.InputSize * ShowNet.OutputSize]);
            return _trainer.LastOutputs.ToArray();
        }

        [InferenceEntryPoint, UsesBatchStatistics]                 // MG1008: an opt-in without a reason
        public void Adapt(float[] rows) { }

        public void TrainOnline(float[] sample, float[] target) =>
            _net.CreateTrainer(maxBatchSize: 1).TrainStep(sample, target); // MG1004: BatchNorm trained one row at a time

        public ShowNet Promote()
        {
            var serving = new ShowNet();
            serving.SetParameters(_net.Parameters);                // MG1006: running statistics left at 0 and 1
            return serving;
        }

        public void Export(string path) =>
            File.WriteAllBytes(path, MemoryMarshal.AsBytes(_net.Parameters).ToArray()); // MG1006: parameters without statistics
    }
}
