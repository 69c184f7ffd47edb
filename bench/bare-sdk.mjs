// What a user would write instead of the CLI: groq-sdk with its defaults (Node's global fetch).
// `node bench/bare-sdk.mjs models` prints model ids; `node bench/bare-sdk.mjs chat` prints one answer.
import Groq from 'groq-sdk'

const client = new Groq()
if (process.argv[2] === 'chat') {
  const completion = await client.chat.completions.create({
    messages: [{content: 'hi', role: 'user'}],
    model: 'llama-3.3-70b-versatile',
  })
  console.log(completion.choices[0].message.content)
} else {
  const models = await client.models.list()
  for (const model of models.data) console.log(model.id)
}
