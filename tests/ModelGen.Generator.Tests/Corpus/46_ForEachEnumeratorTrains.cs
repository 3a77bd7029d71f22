// A batch source whose enumerator fine-tunes the model while it yields rows; the entry point iterates it with foreach.
using System.Collections;
using System.Collections.Generic;
using ModelGen;

namespace Corpus.ForEach
{
    [Model, Input(4), Dense(6), BatchNorm, ReLU, Dense(2), Softmax]
    [Loss(LossKind.CategoricalCrossEntropy), Adam]
    public partial class StreamNet { }

    public sealed class AdaptiveRows : IEnumerable<float[]>
    {
        private readonly StreamNet _net;
        private readonly float[][] _rows;

        public AdaptiveRows(StreamNet net, float[][] rows) => (_net, _rows) = (net, rows);

        public IEnumerator<float[]> GetEnumerator()
        {
            foreach (var row in _rows)
            {
                _net.CreateTrainer(2).TrainStep(new[] { row[0], row[1], row[2], row[3], row[0], row[1], row[2], row[3] }, new float[4]);
                yield return row;
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public static class Endpoint
    {
        [InferenceEntryPoint]
        public static float Score(StreamNet net, float[][] rows)
        {
            float total = 0;
            var y = new float[2];
            foreach (var row in new AdaptiveRows(net, rows)) // expect: MG1001
            {
                net.Predict(row, y);
                total += y[0];
            }

            return total;
        }
    }
}
