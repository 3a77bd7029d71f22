using System;
using System.Linq;
using System.Reflection;
using ModelGen.Tests.Models;
using Xunit;

namespace ModelGen.Tests
{
    /// <summary>Dropout masks: one independent number per (seed, iteration, row, layer, feature).</summary>
    public class DropoutTests
    {
        private static float[] Mask(WideDropout.Trainer trainer, int layer) =>
            (float[])typeof(WideDropout.Trainer).GetField("_mask" + layer, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(trainer)!;

        [Fact]
        public void MasksOfLayersWiderThan65536FeaturesDoNotRepeatAcrossLayers()
        {
            const int features = WideDropout.InputSize;
            var model = new WideDropout();
            var trainer = model.CreateTrainer(2);
            trainer.ComputeGradients(Enumerable.Repeat(1f, 2 * features).ToArray(), new float[2 * features]);
            var first = Mask(trainer, 0);
            var second = Mask(trainer, 1);

            // Before the fix the key was layer * 65536 + feature, so layer 1's feature j reused layer 0's feature 65536 + j:
            // all 64 pairs below were equal. Independent masks of rate 0.5 agree on about half of them; a count outside
            // [8, 56] has probability below 1e-9 for independent masks.
            for (int row = 0; row < 2; row++)
            {
                int equal = Enumerable.Range(0, features - 65536).Count(j => first[(row * features) + 65536 + j] == second[(row * features) + j]);
                Assert.InRange(equal, 8, 56);
            }

            // Each mask drops about half of its 131,200 values (7 standard deviations is 0.0097) and keeps the rest at 2.
            foreach (var mask in new[] { first, second })
            {
                Assert.All(mask, m => Assert.True(m == 0f || m == 2f));
                double dropped = mask.Count(m => m == 0f) / (double)mask.Length;
                Assert.InRange(dropped, 0.49, 0.51);
            }

            Assert.False(first.SequenceEqual(second));
        }
    }
}
