namespace ModelGen.Generator
{
    /// <summary>
    /// The names the generator writes and the analyzers and code fixes look for, in one place: generated members and their
    /// parameters, the runtime's marker attributes, and the attribute properties the rules read. The code-fix assembly
    /// compiles this same file, so a rename here reaches the emitter, the analyzers and the code fixes together.
    /// </summary>
    internal static class Names
    {
        // Generated members of a model.
        public const string Predict = "Predict";
        public const string PredictBatch = "PredictBatch";
        public const string CreateTrainer = "CreateTrainer";
        public const string Parameters = "Parameters";
        public const string SetParameters = "SetParameters";
        public const string GetTensor = "GetTensor";
        public const string SetTensor = "SetTensor";
        public const string SaveWeights = "SaveWeights";
        public const string LoadWeights = "LoadWeights";
        public const string InputSize = "InputSize";

        // Generated members of a model's nested Trainer.
        public const string Trainer = "Trainer";
        public const string TrainStep = "TrainStep";
        public const string ComputeGradients = "ComputeGradients";
        public const string Fit = "Fit";

        // Parameters of generated members the rules read.
        public const string MaxBatchSizeParameter = "maxBatchSize";
        public const string OptionsParameter = "options";
        public const string InputsParameter = "inputs";

        /// <summary><c>FitOptions.BatchSize</c>.</summary>
        public const string BatchSize = "BatchSize";

        /// <summary>The prefix of running-statistics tensor names (<c>running_mean</c>, <c>running_var</c>).</summary>
        public const string RunningStatisticsPrefix = "running_";

        // Attributes of the runtime (metadata names).
        public const string ModelAttribute = "ModelGen.ModelAttribute";
        public const string InferenceEntryPointAttribute = "ModelGen.InferenceEntryPointAttribute";
        public const string TrainingOnlyAttribute = "ModelGen.TrainingOnlyAttribute";
        public const string UsesBatchStatisticsAttribute = "ModelGen.UsesBatchStatisticsAttribute";

        /// <summary>The attribute <c>[UsesBatchStatistics]</c> as code fixes write it.</summary>
        public const string UsesBatchStatistics = "UsesBatchStatistics";

        // Attribute properties the rules and code fixes read or write.
        public const string Reason = "Reason";
        public const string Convention = "Convention";
        public const string Momentum = "Momentum";
        public const string UseBatchStatisticsAtInference = "UseBatchStatisticsAtInference";
        public const string ActiveAtInference = "ActiveAtInference";

        /// <summary>The enum a <c>Convention</c> value is written with.</summary>
        public const string BatchNormConvention = "BatchNormConvention";
    }
}
